// Backends whose runtime runs in a server process of its own, one per worker count, driven over a
// pair of pipes with the line protocol of server_protocol.hpp: Boost.Fiber (this binary started again
// with --serve-boost-fiber W) and LLVM's OpenMP (canopy-bench-llvm-omp W, next to this binary).
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/backend.hpp"
#include "harness/server_protocol.hpp"

extern char** environ;

namespace bench {
namespace {

std::string self_exe() {
  std::array<char, 4096> buf{};
  ssize_t len = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (len <= 0) throw std::runtime_error("cannot resolve /proc/self/exe");
  return std::string(buf.data(), static_cast<std::size_t>(len));
}

// The protocol's <arg>: n, or the UTS tree's size index.
long long wire_arg(SuiteId s, const Input& in) {
  if (s != SuiteId::uts_t1l && s != SuiteId::uts_t3l) return static_cast<long long>(in.n);
  for (int i = 0; i < 3; ++i)
    if (in.tree == (s == SuiteId::uts_t1l ? uts::t1l(kSizeNames[i]) : uts::t3l(kSizeNames[i]))) return i;
  throw std::logic_error("a UTS tree of no size");
}

class ServerBackend final : public Backend {
 public:
  ServerBackend(std::string who, const std::string& exe, std::vector<std::string> args) : who_(std::move(who)) {
    int to_child[2], from_child[2];
    if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0)
      throw std::runtime_error(who_ + ": pipe: " + std::strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&fa, from_child[1], 1);
    args.insert(args.begin(), exe);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, exe.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(to_child[0]);
    close(from_child[1]);
    if (rc != 0) throw std::runtime_error(who_ + ": spawn " + exe + ": " + std::strerror(rc));
    to_ = fdopen(to_child[1], "w");
    from_ = fdopen(from_child[0], "r");
    if (read_line() != "ready") throw std::runtime_error(who_ + ": server did not start");
  }

  ~ServerBackend() override {
    if (to_) {
      std::fputs("quit\n", to_);
      std::fclose(to_);
    }
    if (from_) std::fclose(from_);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

  Sample run(SuiteId s, const Input& in) override {
    std::fprintf(to_, "run %.*s %lld\n", static_cast<int>(name(s).size()), name(s).data(), wire_arg(s, in));
    std::fflush(to_);
    std::istringstream reply(read_line());
    std::string status;
    reply >> status;
    if (status != "ok") {
      std::string rest;
      std::getline(reply, rest);
      throw std::runtime_error(who_ + " server:" + rest);
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
    if (len <= 0) throw std::runtime_error(who_ + " server exited unexpectedly");
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }

  std::string who_;
  pid_t pid_ = -1;
  FILE* to_ = nullptr;
  FILE* from_ = nullptr;
};

}  // namespace

std::unique_ptr<Backend> make_boost_fiber_backend(int workers) {
  return std::make_unique<ServerBackend>("boost-fiber", self_exe(),
                                         std::vector<std::string>{"--serve-boost-fiber", std::to_string(workers)});
}

std::string llvm_omp_server() {
  const std::string exe = self_exe();
  const std::string path = exe.substr(0, exe.rfind('/') + 1) + "canopy-bench-llvm-omp";
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0 ? path : "";
}

std::unique_ptr<Backend> make_llvm_omp_backend(int workers) {
  const std::string exe = llvm_omp_server();
  if (exe.empty()) throw std::runtime_error("canopy-bench-llvm-omp was not built (needs clang and libomp-dev)");
  return std::make_unique<ServerBackend>("llvm-omp", exe, std::vector<std::string>{std::to_string(workers)});
}

}  // namespace bench
