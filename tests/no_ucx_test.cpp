// libcanopy must not load UCX behind a program's back: libucs installs crash handlers when it is
// loaded, which made every Canopy segfault read "UCX ... Caught signal 11". UCX is mapped only when
// the transport list is asked for (system_info, canopy-info).
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

/// ucx_mappings returns the lines of /proc/self/maps that belong to a UCX library.
std::string ucx_mappings() {
  std::ifstream maps("/proc/self/maps");
  std::string line, found;
  while (std::getline(maps, line))
    for (const char* lib : {"/libucs", "/libucp", "/libuct", "/libucm"})
      if (line.find(lib) != std::string::npos) found += line + "\n";
  return found;
}

long tree(canopy::Context& ctx, int depth) {
  if (depth == 0) return 1;
  canopy::Future<long> left = ctx.spawn(tree, depth - 1);
  return tree(ctx, depth - 1) + left.get();
}

int crash(canopy::Context&) {
  // A page without access, not a null pointer: UBSan stops a null load before it faults, and then no
  // SIGSEGV would reach the handlers under test. A volatile load, so the optimiser keeps it.
  void* page = ::mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return *static_cast<volatile int*>(page);
}

// The crash handlers the program started with: set at load time, before Catch2 installs its own for
// each test case. Whatever libcanopy's dependencies installed when they were loaded is here.
// SIGABRT too: a sanitizer reports the fault and aborts, and Catch2's handler would then print this
// test's name, which says "UCX".
struct sigaction startup_segv, startup_abrt;
const bool startup_saved =
    sigaction(SIGSEGV, nullptr, &startup_segv) == 0 && sigaction(SIGABRT, nullptr, &startup_abrt) == 0;

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  ::lseek(fd, 0, SEEK_SET);
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

}  // namespace

TEST_CASE("a program that runs tasks maps no UCX library", "[no_ucx]") {
  canopy::Config cfg;
  cfg.workers = 2;
  canopy::Runtime rt(cfg);
  CHECK(rt.run(tree, 10) == 1024);
  const std::string ucx = ucx_mappings();
  INFO("UCX mappings:\n" << ucx);
  CHECK(ucx.empty());
}

TEST_CASE("a segfault in a task is not reported by UCX", "[no_ucx]") {
  REQUIRE(startup_saved);
  char path[] = "/tmp/canopy_no_ucx_XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    struct rlimit no_core {};
    ::setrlimit(RLIMIT_CORE, &no_core);
    // Catch2's handler would report the fault in UCX's place: give the child what a program has.
    ::sigaction(SIGSEGV, &startup_segv, nullptr);
    ::sigaction(SIGABRT, &startup_abrt, nullptr);
    canopy::Config cfg;
    cfg.workers = 2;
    canopy::Runtime rt(cfg);
    rt.run(crash);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string out = read_all(fd);
  ::close(fd);
  ::unlink(path);
  INFO("child's output:\n" << out);
  CHECK_THAT(out, !Catch::Matchers::Contains("UCX") && !Catch::Matchers::Contains("Caught signal"));
  // The default action kills the child by the signal itself; a Canopy handler may report and abort
  // instead. A sanitizer (ASan, TSan, UBSan) prints its own report and exits.
  const bool default_action = WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
  const bool canopy_report = WIFSIGNALED(status) && out.find("canopy:") != std::string::npos;
  const bool sanitizer_report = out.find("Sanitizer") != std::string::npos;
  INFO("wait status " << status);
  CHECK((default_action || canopy_report || sanitizer_report));
}

TEST_CASE("listing transports loads UCX and leaves the crash handlers alone", "[no_ucx]") {
  struct sigaction before {}, after {};
  REQUIRE(sigaction(SIGSEGV, nullptr, &before) == 0);
  canopy::SystemInfo info = canopy::system_info("package:1 core:2 pu:1");
  REQUIRE(sigaction(SIGSEGV, nullptr, &after) == 0);
  INFO("ucx_error: " << info.ucx_error);
  CHECK(info.ucx_error.empty());
  CHECK_FALSE(info.ucx_transports.empty());
  CHECK_FALSE(ucx_mappings().empty());
  CHECK(after.sa_handler == before.sa_handler);
  CHECK(after.sa_flags == before.sa_flags);
}
