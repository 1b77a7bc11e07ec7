// Core runtime stress (label "stress", not "core", so that `ctest -L core` stays fast): thousands of
// random tree shapes, larger fib and nqueens, many short runs, producer/consumer races, repeated
// deadlock recovery. Run with `ctest --preset default -L stress`.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "tree_workloads.hpp"

using namespace canopy_test;

TEST_CASE("stress: random-shaped trees for 20000 seeds", "[stress]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  INFO("workers " << w);
  check_tree_seeds(rt, 100000, 20000);
}

TEST_CASE("stress: random-shaped trees on two synthetic sockets", "[stress]") {
  canopy::Config cfg;
  cfg.workers = 8;
  cfg.topology = "package:2 core:4 pu:1";
  canopy::Runtime rt(cfg);
  check_tree_seeds(rt, 500000, 3000);
}

TEST_CASE("stress: fib 27 and nqueens 11", "[stress]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  INFO("workers " << w);
  CHECK(rt.run(fib_task, 27) == fib_serial(27));
  CHECK(rt.run(fib_task_reverse, 27) == fib_serial(27));
  CHECK(rt.run(nqueens_task, 11, 0, 0u, 0u, 0u) == 2680);
}

namespace {
int produce(canopy::Context&, int v) { return v; }
int consume(canopy::Context&, canopy::Future<int> f) { return f.get() + 1; }
int fan_in(canopy::Context& ctx, int consumers) {
  canopy::Future<int> p = ctx.spawn(produce, 1);
  std::vector<canopy::Future<int>> cs;
  for (int i = 0; i < consumers; ++i) cs.push_back(ctx.spawn(consume, p));
  int sum = 0;
  for (auto& c : cs) sum += c.get();
  return sum;
}
}  // namespace

TEST_CASE("stress: many short runs with shared futures", "[stress]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  for (int rep = 0; rep < 20000; ++rep) REQUIRE(rt.run(fan_in, rep % 9) == 2 * (rep % 9));
}

namespace {
std::unique_ptr<int> box(canopy::Context&, int v) { return std::make_unique<int>(v); }
int open(canopy::Context&, canopy::Future<std::unique_ptr<int>> f) {
  try {
    auto p = f.get();
    return p ? *p : 0;
  } catch (const canopy::Error&) {
    return 0;  // "already taken through another handle": fine, as long as exactly one got the box
  }
}
int race_box(canopy::Context& ctx) {
  auto f = ctx.spawn(box, 1);
  auto a = ctx.spawn(open, f);
  auto b = ctx.spawn(open, std::move(f));
  return a.get() + b.get();
}
}  // namespace

TEST_CASE("stress: a move-only result got by two siblings at once", "[stress]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  int wrong = 0;
  for (int rep = 0; rep < 20000; ++rep) wrong += rt.run(race_box) != 1;
  INFO("workers " << w);
  CHECK(wrong == 0);
}

namespace stress_deadlock {
struct Slot {
  canopy::Future<int> future;
  std::atomic<bool> filled{false};
};
int cycle_a(canopy::Context&, Slot* s) {
  while (!s->filled.load(std::memory_order_acquire)) std::this_thread::yield();
  canopy::Future<int> b = s->future;
  return b.get() + 1;
}
int cycle_b(canopy::Context&, canopy::Future<int> a) { return a.get() + 1; }
int root(canopy::Context& ctx, Slot* s) {
  auto a = ctx.spawn(cycle_a, s);
  auto b = ctx.spawn(cycle_b, a);
  s->future = b;
  s->filled.store(true, std::memory_order_release);
  return b.get();
}
}  // namespace stress_deadlock

TEST_CASE("stress: hundreds of deadlocks detected and recovered from in a row", "[stress]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  int detected = 0;
  for (int rep = 0; rep < 200; ++rep) {
    stress_deadlock::Slot slot;
    try {
      rt.run(stress_deadlock::root, &slot);
    } catch (const canopy::DeadlockError&) {
      ++detected;
    }
    if (rep % 20 == 0) REQUIRE(rt.run(fib_task, 15) == 610);
  }
  INFO("workers " << w);
  CHECK(detected == 200);
}
