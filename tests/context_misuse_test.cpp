// A task spawns, waits and creates regions only through its own Context. Through any other (a lambda
// that captured its parent's, a std::thread the task started) the runtime throws canopy::Error that
// says so, instead of touching another worker's deque from the wrong thread.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "test_support.hpp"

using namespace canopy_test;
using Catch::Matchers::Contains;

namespace {
int leaf(canopy::Context&) { return 7; }
}  // namespace

TEST_CASE("a child that spawns through its parent's Context gets a canopy::Error", "[core][misuse]") {
  const int workers = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(workers));
  // Many children, so that with several workers some are stolen while the parent still runs.
  auto run = [&] {
    return rt.run([](canopy::Context& ctx) {
      // Each child catches its own refusal: an exception escaping one would cancel its unstarted siblings.
      std::vector<canopy::Future<int>> fs;
      for (int i = 0; i < 64; ++i)
        fs.push_back(ctx.spawn([&ctx](canopy::Context&) {
          busy(1000);
          try {
            ctx.spawn(leaf).get();
          } catch (const canopy::Error& e) {
            return std::string(e.what()).find("spawn through the Context of task") != std::string::npos ? 1 : 0;
          }
          return 0;
        }));
      int refused = 0;
      for (auto& f : fs) refused += f.get();
      return refused;
    });
  };
  CHECK(run() == 64);
  CHECK(rt.run(leaf) == 7);  // the runtime is intact
}

TEST_CASE("wait_all and create_region through another task's Context are refused", "[core][misuse]") {
  const int workers = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(workers));
  rt.run([](canopy::Context& ctx) {
    auto waits = ctx.spawn([&ctx](canopy::Context&) { ctx.wait_all(); });
    CHECK_THROWS_WITH(waits.get(), Contains("wait_all through the Context of task") && Contains("its own Context"));
    auto creates = ctx.spawn([&ctx](canopy::Context&) { ctx.create_region<double>(8); });
    CHECK_THROWS_WITH(creates.get(), Contains("create_region through the Context of task"));
  });
}

TEST_CASE("a std::thread started by a task cannot spawn through the task's Context", "[core][misuse]") {
  canopy::Runtime rt(runtime_config(2));
  std::string message;
  rt.run([&](canopy::Context& ctx) {
    std::thread t([&] {
      try {
        ctx.spawn(leaf);
      } catch (const canopy::Error& e) {
        message = e.what();
      }
    });
    t.join();
  });
  CHECK_THAT(message, Contains("not a Canopy worker"));
}
