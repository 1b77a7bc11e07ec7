// Dangling captures, detected in CANOPY_CHECKED builds (this test is built with CANOPY_CHECKED=1): a
// child that holds an address inside its parent's stack and has not finished when the parent's body
// returns is reported, naming both tasks and the spawn's line; joined children and addresses of
// ancestors that are still alive are not.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "../test_support.hpp"

using canopy_test::runtime_config;
using Catch::Matchers::Contains;

// External linkage, so that the messages can name the tasks.
namespace dangling {

int spawn_line = 0;

void slow_reader(canopy::Context&, const int* p) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  (void)p;  // a real program would read the parent's local here, after it is gone
}

void returns_early(canopy::Context& ctx) {
  int local = 42;
  spawn_line = __LINE__ + 1;
  ctx.spawn(slow_reader, &local);
}  // the implicit join runs after `local` is gone

void joins_first(canopy::Context& ctx) {
  int local = 42;
  ctx.spawn(slow_reader, &local).get();
}

void waits_all(canopy::Context& ctx) {
  int local = 42;
  ctx.spawn([&local](canopy::Context&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return local + 1;
  });
  ctx.wait_all();
}

/// middle passes its parent's local on to a grandchild and returns first: the local is still alive
/// (the parent waits for middle, and middle's join for the grandchild), so nothing is reported.
void middle(canopy::Context& ctx, const int* parents_local) { ctx.spawn(slow_reader, parents_local); }

int passes_down(canopy::Context& ctx) {
  int local = 7;
  ctx.spawn(middle, &local).get();  // runs inline, on this stack, below `local`
  return local;
}

}  // namespace dangling

using namespace dangling;

TEST_CASE("a child holding its parent's local, unfinished when the parent returns, is reported", "[layers][dangling]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  std::string what;
  try {
    rt.run([](canopy::Context& ctx) { ctx.spawn(returns_early).get(); });
  } catch (const canopy::Error& e) {
    what = e.what();
  }
  CHECK_THAT(what, Contains("returns_early(canopy::Context&)") && Contains("slow_reader(canopy::Context&") &&
                       Contains("holds an address inside the parent's stack") &&
                       Contains("dangling_test.cpp:" + std::to_string(spawn_line)));
}

TEST_CASE("children joined before the parent returns, and ancestors' live locals, are not reported",
          "[layers][dangling]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  CHECK_NOTHROW(rt.run([](canopy::Context& ctx) {
    ctx.spawn(joins_first);
    ctx.spawn(waits_all);
  }));
  CHECK(rt.run(passes_down) == 7);
}
