// Fibers and C++ exceptions: the runtime's record of caught exceptions and the uncaught count belong to
// the fiber, not the thread. A task that parks inside a catch block or during unwinding, and resumes on
// another worker, still rethrows its own exception and counts its own unwinding, and no other task on
// the worker it left sees that state.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <exception>
#include <stdexcept>
#include <string>

#include "test_support.hpp"

using namespace canopy_test;

namespace {

int slow_leaf(canopy::Context&) {
  busy(200000);
  return 1;
}

/// park_on_slow_child waits for a child placed on the socket's queue: never on our deque, so the get
/// parks (it cannot run the child inline) and may resume on another worker.
int park_on_slow_child(canopy::Context& ctx) { return ctx.spawn(canopy::on_socket(0), slow_leaf).get(); }

void rethrow_after_park(canopy::Context& ctx, int i) {
  try {
    throw std::runtime_error("original " + std::to_string(i));
  } catch (...) {
    park_on_slow_child(ctx);
    throw;  // needs this fiber's caught-exception record, whichever thread it is on now
  }
}

/// contain runs `task` as its only child and says whether it failed with `what`: a failing child
/// with siblings would cancel those that had not started, and each of these tasks must run.
template <class E, class F, class... A>
bool contain(canopy::Context& ctx, const std::string& what, F task, A... args) {
  try {
    ctx.spawn(task, args...).get();
  } catch (const E& e) {
    return e.what() == what;
  }
  return false;
}

int rethrow_each(canopy::Context& ctx, int n) {
  std::vector<canopy::Future<bool>> fs;
  for (int i = 0; i < n; ++i)
    fs.push_back(ctx.spawn([i](canopy::Context& c) {
      return contain<std::runtime_error>(c, "original " + std::to_string(i), rethrow_after_park, i);
    }));
  int caught = 0;
  for (auto& f : fs) caught += f.get() ? 1 : 0;
  return caught;
}

struct UnwindProbe {
  canopy::Context& ctx;
  std::atomic<int>& right;
  ~UnwindProbe() {
    const int before = std::uncaught_exceptions();
    park_on_slow_child(ctx);
    if (before == 1 && std::uncaught_exceptions() == 1) right.fetch_add(1);
  }
};

void unwind_through_park(canopy::Context& ctx, std::atomic<int>* right) {
  UnwindProbe probe{ctx, *right};
  throw std::logic_error("unwinding");
}

void observe(canopy::Context&, std::atomic<int>* stale) {
  busy(20000);
  if (std::current_exception() || std::uncaught_exceptions() != 0) stale->fetch_add(1);
}

void catch_and_park(canopy::Context& ctx) {
  try {
    throw std::runtime_error("held while parked");
  } catch (const std::runtime_error&) {
    park_on_slow_child(ctx);
    if (!std::current_exception()) throw std::logic_error("lost the caught exception across a park");
  }
}

}  // namespace

TEST_CASE("a rethrow after a get() that parked inside the catch block rethrows the task's own exception",
          "[core][exception][fiber]") {
  const int workers = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(workers));
  CHECK(rt.run(rethrow_each, 64) == 64);
}

TEST_CASE("std::uncaught_exceptions() stays right across a park during unwinding", "[core][exception][fiber]") {
  const int workers = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(workers));
  std::atomic<int> right{0};
  rt.run([&](canopy::Context& ctx) {
    std::vector<canopy::Future<bool>> fs;
    for (int i = 0; i < 32; ++i)
      fs.push_back(ctx.spawn([&right](canopy::Context& c) {
        return contain<std::logic_error>(c, "unwinding", unwind_through_park, &right);
      }));
    int unwound = 0;
    for (auto& f : fs) unwound += f.get() ? 1 : 0;
    CHECK(unwound == 32);
  });
  CHECK(right.load() == 32);
}

TEST_CASE("a task parked in a catch block leaves no exception state behind on the worker it left",
          "[core][exception][fiber]") {
  const int workers = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(workers));
  std::atomic<int> stale{0};
  rt.run([&](canopy::Context& ctx) {
    for (int i = 0; i < 32; ++i) {
      ctx.spawn(catch_and_park);
      for (int k = 0; k < 8; ++k) ctx.spawn(observe, &stale);
    }
    ctx.wait_all();
    if (std::current_exception()) stale.fetch_add(1);
  });
  CHECK(stale.load() == 0);
  // The root's thread, too, holds no exception once the run is over.
  CHECK_FALSE(std::current_exception());
  CHECK(std::uncaught_exceptions() == 0);
}
