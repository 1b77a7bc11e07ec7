// Core runtime: the deadlock detector. When every worker is idle while tasks wait on futures that can
// never complete, each waiting task's wait throws canopy::DeadlockError, whose what() names the waiting
// tasks; rt.run rethrows it and the runtime (and any new one) keeps working.
//
// How to build a real cycle. Futures are made only by spawn, and a task's arguments are fixed when it is
// spawned, so through futures alone the "waits for" relation follows spawn order: a task can only be
// handed futures of tasks spawned before it (or results computed from them), and no cycle can form.
// A task may, however, read a future from shared memory: here a Slot owned by the test. The parent
// spawns A (which reads the slot), then B with A's future, and only then stores B's future in the slot.
// A spins (yielding the thread, not parking: only futures park) until the slot is filled, then gets B,
// while B gets A: a true cycle A -> B -> A. With one worker A cannot start before the parent parks, by
// which time the slot is full; with more, A spins on its own thread until the parent fills it. The
// smallest cycle is a task that gets its own future (self_wait).
//
// The task functions below have external linkage on purpose: the runtime names tasks with dladdr()
// (the test executables are linked with -rdynamic), which only sees exported symbols.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "test_support.hpp"
#include "tree_workloads.hpp"

using namespace canopy_test;
using Catch::Matchers::Contains;

namespace deadlock_case {

struct Slot {
  canopy::Future<int> future;
  std::atomic<bool> filled{false};
  void fill(const canopy::Future<int>& f) {
    future = f;
    filled.store(true, std::memory_order_release);
  }
  canopy::Future<int> read() {
    while (!filled.load(std::memory_order_acquire)) std::this_thread::yield();
    return future;  // a copy: a handle of our own
  }
};

int self_wait(canopy::Context&, Slot* s) {
  canopy::Future<int> me = s->read();
  return me.get() + 1;  // waits for itself
}

int cycle_a(canopy::Context&, Slot* s) {
  canopy::Future<int> b = s->read();
  return b.get() + 1;
}

int cycle_b(canopy::Context&, canopy::Future<int> a) { return a.get() + 1; }

int root_self_wait(canopy::Context& ctx, Slot* s) {
  canopy::Future<int> a = ctx.spawn(self_wait, s);
  s->fill(a);
  return a.get();
}

int root_cycle(canopy::Context& ctx, Slot* s) {
  canopy::Future<int> a = ctx.spawn(cycle_a, s);
  canopy::Future<int> b = ctx.spawn(cycle_b, a);
  s->fill(b);
  return b.get();
}

/// The root itself never gets anything: it is stuck in its implicit wait_all at exit. The waiting
/// child is placed (on_socket(0) goes through the socket's queue, not the root's deque), so that even
/// with one worker the root parks in that implicit wait instead of running the child inline.
void root_cycle_implicit(canopy::Context& ctx, Slot* s) {
  canopy::Future<int> a = ctx.spawn(canopy::on_socket(0), self_wait, s);
  s->fill(a);
}

/// A nested task stuck in its implicit wait_all, while its parent waits for it with get().
void parent_of_stuck(canopy::Context& ctx, Slot* s) {
  canopy::Future<int> a = ctx.spawn(canopy::on_socket(0), self_wait, s);
  s->fill(a);
}
int root_gets_parent_of_stuck(canopy::Context& ctx, Slot* s) {
  ctx.spawn(parent_of_stuck, s).get();
  return 0;
}

/// Deadlocks twice: caught the first DeadlockError, it waits on itself again, while its parent sits in
/// its implicit wait_all both times.
int stubborn_self_wait(canopy::Context&, Slot* s) {
  try {
    return s->read().get();
  } catch (const canopy::DeadlockError&) {
    return s->read().get() + 1;  // a second cycle
  }
}
void root_deadlocks_twice(canopy::Context& ctx, Slot* s) {
  canopy::Future<int> a = ctx.spawn(canopy::on_socket(0), stubborn_self_wait, s);
  s->fill(a);
}

}  // namespace deadlock_case

using namespace deadlock_case;

namespace {
/// expect_deadlock runs `root` and checks that it fails with a DeadlockError naming one of `names`.
template <class F>
void expect_deadlock(canopy::Runtime& rt, F root, std::initializer_list<const char*> names) {
  Slot slot;
  std::string what;
  try {
    rt.run(root, &slot);
    FAIL("rt.run returned normally: no deadlock was detected");
  } catch (const canopy::DeadlockError& e) {
    what = e.what();
  }
  INFO("what(): " << what);
  CHECK_THAT(what, Contains("deadlock"));
  bool named = false;
  for (const char* n : names) named = named || what.find(n) != std::string::npos;
  CHECK(named);
}
}  // namespace

TEST_CASE("a task that gets its own future: DeadlockError naming it", "[core][deadlock]") {
  const int w = CANOPY_WORKER_COUNTS();
  INFO("workers " << w);
  {
    canopy::Runtime rt(runtime_config(w));
    expect_deadlock(rt, root_self_wait, {"self_wait"});
    CHECK(rt.run(fib_task, 15) == 610);  // the same runtime still works
    expect_deadlock(rt, root_self_wait, {"self_wait"});  // and detects again
  }
  canopy::Runtime fresh(runtime_config(w));
  CHECK(fresh.run(fib_task, 16) == 987);
}

TEST_CASE("two siblings each waiting on the other's future: DeadlockError naming them", "[core][deadlock]") {
  const int w = CANOPY_WORKER_COUNTS();
  INFO("workers " << w);
  {
    canopy::Runtime rt(runtime_config(w));
    for (int rep = 0; rep < 3; ++rep) expect_deadlock(rt, root_cycle, {"cycle_a", "cycle_b"});
    CHECK(rt.run(fib_task, 15) == 610);
    CHECK(check_tree_seeds(rt, 1, 5) > 0);
  }
  canopy::Runtime fresh(runtime_config(w));
  CHECK(fresh.run(fib_task, 16) == 987);
}

TEST_CASE("a deadlock found while the root waits in its implicit wait_all", "[core][deadlock]") {
  const int w = CANOPY_WORKER_COUNTS();
  INFO("workers " << w);
  canopy::Runtime rt(runtime_config(w));
  expect_deadlock(rt, root_cycle_implicit, {"self_wait", "root_cycle_implicit"});
  CHECK(rt.run(fib_task, 15) == 610);
}

TEST_CASE("a deadlock found while a nested task waits in its implicit wait_all", "[core][deadlock]") {
  const int w = CANOPY_WORKER_COUNTS();
  INFO("workers " << w);
  canopy::Runtime rt(runtime_config(w));
  expect_deadlock(rt, root_gets_parent_of_stuck, {"self_wait", "parent_of_stuck"});
  CHECK(rt.run(fib_task, 15) == 610);
}

namespace {
int slow_producer(canopy::Context&, int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return ms;
}
int patient(canopy::Context&, canopy::Future<int> f) { return f.get(); }
int long_waits(canopy::Context& ctx, int ms) {
  canopy::Future<int> p = ctx.spawn(slow_producer, ms);
  int sum = 0;
  std::vector<canopy::Future<int>> waiters;
  for (int i = 0; i < 6; ++i) waiters.push_back(ctx.spawn(patient, p));
  for (auto& f : waiters) sum += f.get();
  return sum + p.get();
}
}  // namespace

// Workers sleep up to 50 ms between looks for work; a producer busy (here: asleep in a system call) for
// longer than that, while others are parked on it, is not a deadlock: its worker is not idle.
TEST_CASE("no false deadlock while a producer runs long and its consumers are parked", "[core][deadlock]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  for (int ms : {1, 60, 250}) {
    INFO("workers " << w << ", producer sleeps " << ms << " ms");
    CHECK(rt.run(long_waits, ms) == 7 * ms);
  }
}

TEST_CASE("a second deadlock while a task waits in its join throws DeadlockError again", "[core][deadlock]") {
  const int w = CANOPY_WORKER_COUNTS();
  INFO("workers " << w);
  canopy::Runtime rt(runtime_config(w));
  expect_deadlock(rt, root_deadlocks_twice, {"stubborn_self_wait", "root_deadlocks_twice"});
  CHECK(rt.run(fib_task, 15) == 610);
}

// A std::thread that gets a future while the detector rewrites that future's list of waiters: the
// detector must keep the thread's registration, which arrives by compare-and-swap at any moment.
TEST_CASE("a thread waiting on a deadlocked task is kept and told, whenever it arrives", "[core][deadlock]") {
  const int w = CANOPY_WORKER_COUNTS();
  INFO("workers " << w);
  canopy::Runtime rt(runtime_config(w));
  for (int rep = 0; rep < 20; ++rep) {
    Slot slot;
    std::atomic<bool> thread_told{false};
    std::thread outsider;
    try {
      rt.run([&](canopy::Context& ctx) {
        canopy::Future<int> a = ctx.spawn(canopy::on_socket(0), self_wait, &slot);
        outsider = std::thread([&thread_told, a]() mutable {
          std::this_thread::sleep_for(std::chrono::microseconds(50 * (std::rand() % 40)));
          try {
            a.get();
          } catch (const canopy::DeadlockError&) {
            thread_told.store(true);
          }
        });
        slot.fill(a);
        return a.get();
      });
      FAIL("no deadlock was detected");
    } catch (const canopy::DeadlockError&) {
    }
    outsider.join();
    CHECK(thread_told.load());
  }
}
