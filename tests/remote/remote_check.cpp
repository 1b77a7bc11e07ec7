// remote_check SCENARIO: the runtime across real ranks, under mpirun (see tests/remote.cmake).
// Every rank runs the same program; rank 0's root checks the scenario, prints "PASS ..." and returns 0;
// the other ranks serve until it is done. Any failure prints "FAIL ..." and exits non-zero.
#include <canopy/canopy.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>

#include "tests/remote/remote_tasks.hpp"

using namespace canopy_test_remote;

namespace {

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "FAIL %s\n", why.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

void expect(bool ok, const std::string& what) {
  if (!ok) fail(what);
}

int placement(canopy::Context& ctx) {
  for (int r = 0; r < ctx.ranks(); ++r) {
    int got = ctx.spawn(canopy::on_rank(r), rank_of_task).get();
    expect(got == r, "on_rank(" + std::to_string(r) + ") ran on rank " + std::to_string(got));
  }
  return 0;
}

int tree(canopy::Context& ctx) {
  long v = ctx.spawn(ping_pong_fib, 18).get();
  expect(v == 2584, "ping_pong_fib(18) = " + std::to_string(v));
  return 0;
}

int strings(canopy::Context& ctx) {
  const int last = ctx.ranks() - 1;
  auto out = ctx.spawn(canopy::on_rank(last), label_each, std::string("x"), std::vector<int>{7, 8}).get();
  const std::string at = "@" + std::to_string(last);
  expect(out == std::vector<std::string>{"x-7" + at, "x-8" + at}, "label_each returned something else");
  return 0;
}

int future(canopy::Context& ctx) {
  canopy::Future<long> f = ctx.spawn(slow_value, 41L);
  canopy::Future<long> copy = f;
  long there = ctx.spawn(canopy::on_rank(1), add_one_to, std::move(f)).get();
  expect(there == 42, "rank 1 read " + std::to_string(there));
  expect(copy.get() == 41, "rank 0 lost its own future's value");
  canopy::Future<long> g = ctx.spawn(slow_value, 7L);
  expect(ctx.spawn(canopy::on_rank(1), bounce_to_rank0, std::move(g)).get() == 8, "the future did not come home");
  return 0;
}


int exception(canopy::Context& ctx) {
  try {
    ctx.spawn(canopy::on_rank(1), throw_from_next, 9).get();
  } catch (const canopy::RemoteError& e) {
    std::string what = e.what();
    const std::string grandchild_rank = "rank " + std::to_string(2 % ctx.ranks());
    for (const char* part : {"throw_from_next", "throw_on_rank", "std::invalid_argument", "bad input 9", "rank 1",
                             grandchild_rank.c_str()})
      expect(what.find(part) != std::string::npos, "RemoteError without '" + std::string(part) + "': " + what);
    return 0;
  }
  fail("no RemoteError from a remote grandchild");
}

int capture(canopy::Context& ctx) {
  int local = 5;
  try {
    ctx.spawn(canopy::on_rank(1), [local](canopy::Context&) { return local; }).get();
  } catch (const canopy::RemoteError& e) {
    expect(std::strstr(e.what(), "cannot travel") != nullptr, e.what());
    return 0;
  }
  fail("a capturing lambda was sent to rank 1");
}

int die(canopy::Context&) {
  std::raise(SIGKILL);
  return 0;
}

int killed(canopy::Context& ctx) {
  auto start = std::chrono::steady_clock::now();
  try {
    ctx.spawn(canopy::on_rank(1), die).get();
  } catch (const canopy::RemoteError& e) {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string what = e.what();
    expect(what.find("rank 1") != std::string::npos, "RemoteError does not name rank 1: " + what);
    expect(s < 10.0, "the failure of rank 1 took " + std::to_string(s) + " s to be seen");
    std::printf("rank 1 failure seen after %.3f s: %s\n", s, what.c_str());
    return 0;
  }
  fail("no RemoteError after rank 1 died");
}

int run_scenario(canopy::Context& ctx, const std::string& name) {
  if (name == "placement") return placement(ctx);
  if (name == "tree") return tree(ctx);
  if (name == "strings") return strings(ctx);
  if (name == "future") return future(ctx);
  if (name == "exception") return exception(ctx);
  if (name == "capture") return capture(ctx);
  if (name == "killed") return killed(ctx);
  fail("unknown scenario " + name);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) fail("usage: remote_check SCENARIO");
  const std::string scenario = argv[1];
  try {
    canopy::Runtime rt(argc, argv);
    int rc = rt.run([](canopy::Context& ctx, std::string name) { return run_scenario(ctx, name); }, scenario);
    if (rt.rank() == 0) std::printf("PASS %s on %d ranks (%s)\n", scenario.c_str(), rt.ranks(), rt.transport().c_str());
    std::fflush(stdout);
    return rc;
  } catch (const std::exception& e) {
    fail(std::string("rank threw: ") + e.what());
  }
}
