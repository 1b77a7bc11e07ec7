// Client side of the Boost.Fiber backend: starts this binary again as a server for one worker count
// (see fiber_server.hpp) and forwards each run to it over a pair of pipes.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>

#include "harness/backend.hpp"

extern char** environ;

namespace bench {
namespace {

std::string self_exe() {
  std::array<char, 4096> buf{};
  ssize_t len = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (len <= 0) throw std::runtime_error("boost-fiber: cannot resolve /proc/self/exe");
  return std::string(buf.data(), static_cast<std::size_t>(len));
}

class BoostFiberBackend final : public Backend {
 public:
  explicit BoostFiberBackend(int workers) {
    int to_child[2], from_child[2];
    if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string("boost-fiber: pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&fa, from_child[1], 1);
    std::string exe = self_exe(), w = std::to_string(workers);
    char* argv[] = {exe.data(), const_cast<char*>("--serve-boost-fiber"), w.data(), nullptr};
    int rc = posix_spawn(&pid_, exe.c_str(), &fa, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(to_child[0]);
    close(from_child[1]);
    if (rc != 0) throw std::runtime_error(std::string("boost-fiber: spawn: ") + std::strerror(rc));
    to_ = fdopen(to_child[1], "w");
    from_ = fdopen(from_child[0], "r");
    if (read_line() != "ready") throw std::runtime_error("boost-fiber: server did not start");
  }

  ~BoostFiberBackend() override {
    if (to_) {
      std::fputs("quit\n", to_);
      std::fclose(to_);
    }
    if (from_) std::fclose(from_);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

  Sample run(SuiteId s, const Input& in) override {
    std::fprintf(to_, "run %.*s %lld\n", static_cast<int>(name(s).size()), name(s).data(),
                 static_cast<long long>(in.n));
    std::fflush(to_);
    std::istringstream reply(read_line());
    std::string status;
    reply >> status;
    if (status != "ok") {
      std::string rest;
      std::getline(reply, rest);
      throw std::runtime_error("boost-fiber server:" + rest);
    }
    Sample out;
    reply >> out.seconds >> out.answer;
    std::string kv;
    while (reply >> kv) {
      auto eq = kv.find('=');
      if (eq != std::string::npos) out.extra.emplace_back(kv.substr(0, eq), std::stod(kv.substr(eq + 1)));
    }
    return out;
  }

 private:
  std::string read_line() {
    char* line = nullptr;
    std::size_t cap = 0;
    ssize_t len = getline(&line, &cap, from_);
    std::string s = len > 0 ? std::string(line, static_cast<std::size_t>(len)) : std::string();
    std::free(line);
    if (len <= 0) throw std::runtime_error("boost-fiber server exited unexpectedly");
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }

  pid_t pid_ = -1;
  FILE* to_ = nullptr;
  FILE* from_ = nullptr;
};

}  // namespace

std::unique_ptr<Backend> make_boost_fiber_backend(int workers) {
  return std::make_unique<BoostFiberBackend>(workers);
}

}  // namespace bench
