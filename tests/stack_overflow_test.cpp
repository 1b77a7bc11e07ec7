// A task that runs past the end of its fiber stack is reported as a stack overflow naming the task,
// even when its frames are far larger than a page, instead of writing into the stack mapped below
// (a parked neighbour's). Each case runs in a forked child, whose stderr and end are checked.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <string>

#include "test_support.hpp"

using namespace canopy_test;
using Catch::Matchers::Contains;

/// Frames of `Bytes` each until the stack runs out; external linkage so that the report can name it.
/// Not inlined into itself: gcc would merge four levels into one frame four times as large.
template <std::size_t Bytes>
__attribute__((noinline)) int deep_frames(canopy::Context& ctx, int depth) {
  if (depth > (1 << 30)) return 0;  // never reached: the stack ends long before
  volatile char buffer[Bytes];
  buffer[0] = static_cast<char>(depth);
  buffer[Bytes - 1] = static_cast<char>(depth);
  return deep_frames<Bytes>(ctx, depth + 1) + buffer[0] + buffer[Bytes - 1];
}

int neighbour_waits(canopy::Context& ctx) {
  // Parks, so that its fiber's stack sits next to the overflowing one, holding live frames.
  return ctx.spawn(canopy::on_socket(0), [](canopy::Context&) {
               busy(100000);
               return 1;
             }).get();
}

namespace {

struct Death {
  int signal = 0;
  std::string stderr_text;
};

/// die_in_child runs `body` in a forked child and returns how it ended and what it wrote to stderr.
template <class Body>
Death die_in_child(Body body) {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(pipe_fds[1], 2);
    close(pipe_fds[0]);
    body();
    _exit(0);
  }
  close(pipe_fds[1]);
  Death d;
  char buf[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof buf)) > 0;) d.stderr_text.append(buf, static_cast<std::size_t>(n));
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  d.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return d;
}

template <std::size_t Bytes>
void overflow_with_frames_of() {
  Death d = die_in_child([] {
    canopy::Config cfg = runtime_config(2);
    cfg.stack_size = 256 * 1024;
    canopy::Runtime rt(cfg);
    rt.run([](canopy::Context& ctx) {
      auto n = ctx.spawn(neighbour_waits);
      auto o = ctx.spawn(deep_frames<Bytes>, 0);
      return n.get() + o.get();
    });
  });
  INFO(d.stderr_text);
  CHECK(d.signal == SIGABRT);
  CHECK_THAT(d.stderr_text, Contains("canopy: stack overflow") && Contains("CANOPY_STACK_SIZE") &&
                                Contains("the task that overflowed") && Contains("deep_frames"));
}

}  // namespace

TEST_CASE("an overflow with 1 KiB frames is reported naming the task", "[core][fiber][overflow]") {
  overflow_with_frames_of<1024>();
}

TEST_CASE("an overflow with 16 KiB frames hits the guard gap, not the stack below", "[core][fiber][overflow]") {
  overflow_with_frames_of<16 * 1024>();
}

TEST_CASE("an overflow with 128 KiB frames hits the guard gap too", "[core][fiber][overflow]") {
  overflow_with_frames_of<128 * 1024>();
}

#if defined(CANOPY_TEST_STACK_PROBES)
// Larger than the gap: only the page probes of -fstack-clash-protection, which canopy::canopy gives
// its consumers, make it fault there.
TEST_CASE("an overflow with 1 MiB frames is caught by the stack clash probes", "[core][fiber][overflow]") {
  overflow_with_frames_of<1024 * 1024>();
}
#endif
