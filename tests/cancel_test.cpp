// Core runtime: failure and cancellation. An exception that escapes a task cancels its siblings that
// have not started (their futures throw canopy::Cancelled); running siblings see ctx.cancelled(); a
// second exception is nested in the first; Future::cancel cancels a task and its subtree; privileged
// successors of a failed task are cancelled and released; a Cancelled is never what a join reports.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

using namespace canopy_test;
using Catch::Matchers::Message;

namespace {

struct Boom : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using Clock = std::chrono::steady_clock;

/// nap parks the calling task for `ms` milliseconds, leaving its worker to the others.
void nap(int ms) {
  canopy::blocking([ms] { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); });
}

/// poll_until waits (parked between looks) until `cond()` holds or 10 s have passed; false on timeout.
template <class C>
bool poll_until(C cond) {
  const auto end = Clock::now() + std::chrono::seconds(10);
  while (!cond()) {
    if (Clock::now() > end) return false;
    nap(1);
  }
  return true;
}

void slow_sibling(canopy::Context&, std::atomic<int>* ran) {
  ran->fetch_add(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

void fails(canopy::Context&) { throw Boom("the failure"); }

struct SiblingOutcome {
  int cancelled = 0;  // sibling futures that threw canopy::Cancelled
  int finished = 0;   // sibling futures that returned
  bool boom = false;  // the failing child's get() threw its own exception
};

/// four_slow_then_fail spawns 4 slow siblings, then one that fails (the first to run at 1 worker),
/// gets the failure, then every sibling.
SiblingOutcome four_slow_then_fail(canopy::Context& ctx, std::atomic<int>* ran) {
  std::vector<canopy::Future<void>> slow;
  for (int i = 0; i < 4; ++i) slow.push_back(ctx.spawn(slow_sibling, ran));
  canopy::Future<void> bad = ctx.spawn(fails);
  SiblingOutcome out;
  try {
    bad.get();
  } catch (const Boom&) {
    out.boom = true;
  }
  for (auto& f : slow) {
    try {
      f.get();
      ++out.finished;
    } catch (const canopy::Cancelled&) {
      ++out.cancelled;
    }
  }
  return out;
}

/// four_slow_then_fail_unread drops every future: the failure reaches rt.run through the implicit join.
void four_slow_then_fail_unread(canopy::Context& ctx, std::atomic<int>* ran) {
  for (int i = 0; i < 4; ++i) ctx.spawn(slow_sibling, ran);
  ctx.spawn(fails);
}

}  // namespace

TEST_CASE("a failing child cancels its unstarted siblings and their futures throw Cancelled", "[core][cancel]") {
  const int w = CANOPY_WORKER_COUNTS();
  INFO("workers " << w);
  canopy::Runtime rt(runtime_config(w));
  std::atomic<int> ran{0};
  SiblingOutcome out = rt.run(four_slow_then_fail, &ran);
  CHECK(out.boom);
  CHECK(out.cancelled + out.finished == 4);
  CHECK(out.finished == ran.load());  // a sibling either ran to its end or never started
  if (w == 1) CHECK(ran.load() == 0);  // all four were queued behind the failing one

  ran = 0;
  const auto start = Clock::now();
  CHECK_THROWS_MATCHES(rt.run(four_slow_then_fail_unread, &ran), Boom, Message("the failure"));
  if (w == 1) {
    CHECK(ran.load() == 0);
    CHECK(Clock::now() - start < std::chrono::milliseconds(400));  // not after 4 x 200 ms
  }
  CHECK(rt.run([](canopy::Context& ctx) { return ctx.spawn([](canopy::Context&) { return 7; }).get(); }) == 7);
}

namespace {

/// second_failure starts, waits until its failing sibling has cancelled the others, then fails too.
void second_failure(canopy::Context& ctx, std::atomic<bool>* started) {
  started->store(true);
  if (!poll_until([&] { return ctx.cancelled(); })) throw std::logic_error("never told");
  throw std::runtime_error("second");
}

void first_failure(canopy::Context&, std::atomic<bool>* second_started) {
  if (!poll_until([&] { return second_started->load(); })) throw std::logic_error("the other never started");
  throw std::runtime_error("first");
}

void two_failures(canopy::Context& ctx) {
  std::atomic<bool> second_started{false};
  ctx.spawn(first_failure, &second_started);
  ctx.spawn(second_failure, &second_started);  // the first to run at 1 worker: it waits, parked, for the other
  ctx.wait_all();
}

}  // namespace

TEST_CASE("a second exception is nested in the first", "[core][cancel]") {
  const int w = CANOPY_WORKER_COUNTS();
  INFO("workers " << w);
  canopy::Runtime rt(runtime_config(w));
  for (int round = 0; round < 5; ++round) {
    bool caught = false;
    bool nested = false;
    try {
      rt.run(two_failures);
    } catch (const std::runtime_error& e) {
      caught = true;
      CHECK(std::string(e.what()) == "first");
      try {
        std::rethrow_if_nested(e);
      } catch (const std::runtime_error& inner) {
        nested = true;
        CHECK(std::string(inner.what()) == "second");
      }
    }
    CHECK(caught);
    CHECK(nested);
  }
}

namespace {

/// told_sibling runs before the failure and polls until it is told.
bool told_sibling(canopy::Context& ctx, std::atomic<bool>* started) {
  started->store(true);
  return poll_until([&] { return ctx.cancelled(); });
}

void fails_once_started(canopy::Context&, std::atomic<bool>* started) {
  while (!started->load()) nap(1);
  throw Boom("the failure");
}

bool running_sibling_is_told(canopy::Context& ctx) {
  std::atomic<bool> started{false};
  canopy::Future<void> bad = ctx.spawn(fails_once_started, &started);
  canopy::Future<bool> sibling = ctx.spawn(told_sibling, &started);  // the first to run at 1 worker
  const bool before = ctx.cancelled();                                // the parent itself is not cancelled
  try {
    bad.get();
  } catch (const Boom&) {
  }
  return !before && sibling.get() && !ctx.cancelled();
}

}  // namespace

TEST_CASE("ctx.cancelled() becomes true in a running sibling of a failed task", "[core][cancel]") {
  const int w = CANOPY_WORKER_COUNTS();
  INFO("workers " << w);
  canopy::Runtime rt(runtime_config(w));
  CHECK(rt.run(running_sibling_is_told));
  CHECK_FALSE(rt.run([](canopy::Context& ctx) { return ctx.cancelled(); }));
}

namespace {

void gate_writer(canopy::Context&, canopy::Write<int>, std::atomic<bool>* gate) {
  if (!poll_until([&] { return gate->load(); })) throw std::logic_error("gate never opened");
}

void counted_writer(canopy::Context&, canopy::Write<int> w, std::atomic<int>* ran) {
  ran->fetch_add(1);
  w[0] = 1;
}

void counted_reader(canopy::Context&, canopy::Read<int>, std::atomic<int>* ran) { ran->fetch_add(1); }

void failing_writer(canopy::Context&, canopy::Write<int>) { throw Boom("the writer failed"); }

/// cancel_unstarted cancels a child that cannot have started (it waits on a writer held by a gate);
/// its successor, a sibling, still runs: an explicit cancel is no failure.
int cancel_unstarted(canopy::Context& ctx, std::atomic<int>* ran) {
  auto r = ctx.create_region<int>(1);
  std::atomic<bool> gate{false};
  canopy::Future<void> held = ctx.spawn(gate_writer, canopy::write(r), &gate);
  canopy::Future<void> victim = ctx.spawn(counted_writer, canopy::write(r), ran);
  canopy::Future<void> after = ctx.spawn(counted_writer, canopy::write(r), ran);
  victim.cancel();
  gate.store(true);
  int cancelled = 0;
  try {
    victim.get();
  } catch (const canopy::Cancelled&) {
    ++cancelled;
  }
  held.get();
  after.get();
  return cancelled;
}

/// cancel_own_inline cancels a child before getting it (on the inline path unless a thief took it
/// first); 1 when its get() threw Cancelled.
int cancel_own_inline(canopy::Context& ctx, std::atomic<int>* ran) {
  canopy::Future<void> f = ctx.spawn([](canopy::Context&, std::atomic<int>* r) { r->fetch_add(1); }, ran);
  f.cancel();
  try {
    f.get();
  } catch (const canopy::Cancelled&) {
    return 1;
  }
  return 0;
}

struct SubtreeOutcome {
  bool told = false;             // the cancelled task saw ctx.cancelled()
  bool grandchild_told = false;  // so did its running child
  bool late_child_cancelled = false;  // a child it spawned after the cancel did not run
  bool sibling_ran = false;      // the cancelled task's sibling was not affected
};

bool told_grandchild(canopy::Context& ctx, std::atomic<bool>* started) {
  started->store(true);
  return poll_until([&] { return ctx.cancelled(); });
}

SubtreeOutcome cancelled_subtree(canopy::Context& ctx, std::atomic<bool>* started, std::atomic<int>* late_ran) {
  std::atomic<bool> g_started{false};
  canopy::Future<bool> g = ctx.spawn(told_grandchild, &g_started);
  SubtreeOutcome out;
  if (!poll_until([&] { return g_started.load(); })) return out;
  started->store(true);
  out.told = poll_until([&] { return ctx.cancelled(); });
  canopy::Future<void> late = ctx.spawn([](canopy::Context&, std::atomic<int>* r) { r->fetch_add(1); }, late_ran);
  try {
    late.get();
  } catch (const canopy::Cancelled&) {
    out.late_child_cancelled = true;
  }
  out.grandchild_told = g.get();
  return out;
}

SubtreeOutcome cancel_running(canopy::Context& ctx, std::atomic<int>* late_ran) {
  std::atomic<bool> started{false};
  canopy::Future<SubtreeOutcome> t = ctx.spawn(cancelled_subtree, &started, late_ran);
  if (!poll_until([&] { return started.load(); })) return {};
  t.cancel();
  const bool sibling_ran = ctx.spawn([](canopy::Context& c) { return !c.cancelled(); }).get();
  SubtreeOutcome out = t.get();  // it was running: it completes as its body says
  out.sibling_ran = sibling_ran;
  return out;
}

}  // namespace

TEST_CASE("Future::cancel on an unstarted child and on a running subtree", "[core][cancel]") {
  const int w = CANOPY_WORKER_COUNTS();
  INFO("workers " << w);
  canopy::Runtime rt(runtime_config(w));
  std::atomic<int> ran{0};
  CHECK(rt.run(cancel_unstarted, &ran) == 1);
  CHECK(ran.load() == 1);  // the victim never ran; its successor did

  for (int round = 0; round < 100; ++round) {
    ran = 0;
    const int cancelled = rt.run(cancel_own_inline, &ran);
    CHECK(cancelled + ran.load() == 1);
    if (w == 1) CHECK(cancelled == 1);
  }

  ran = 0;
  SubtreeOutcome out = rt.run(cancel_running, &ran);
  CHECK(out.told);
  CHECK(out.grandchild_told);
  CHECK(out.late_child_cancelled);
  CHECK(out.sibling_ran);
  CHECK(ran.load() == 0);
}

namespace {

void failed_writer_then_successors(canopy::Context& ctx, std::atomic<int>* ran) {
  auto r = ctx.create_region<int>(1);
  ctx.spawn(failing_writer, canopy::write(r));
  for (int i = 0; i < 3; ++i) {
    ctx.spawn(counted_writer, canopy::write(r), ran);
    ctx.spawn(counted_reader, canopy::read(r), ran);
    ctx.spawn(counted_reader, canopy::read(r), ran);
  }
}

}  // namespace

TEST_CASE("a privileged successor of a failed sibling is cancelled and nothing hangs", "[core][cancel]") {
  const int w = CANOPY_WORKER_COUNTS();
  INFO("workers " << w);
  canopy::Runtime rt(runtime_config(w));
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> ran{0};
    CHECK_THROWS_MATCHES(rt.run(failed_writer_then_successors, &ran), Boom, Message("the writer failed"));
    CHECK(ran.load() == 0);  // none could start before the writer failed
  }
}

namespace {

std::string wait_all_after_cancellation(canopy::Context& ctx, std::atomic<int>* ran) {
  std::vector<canopy::Future<void>> slow;
  for (int i = 0; i < 4; ++i) slow.push_back(ctx.spawn(slow_sibling, ran));
  ctx.spawn(fails);
  std::string what;
  try {
    ctx.wait_all();
    what = "no exception";
  } catch (const canopy::Cancelled&) {
    what = "Cancelled";
  } catch (const Boom& b) {
    what = b.what();
  }
  // Once joined, children run again, and the cancelled siblings' futures say what happened to them.
  int cancelled = 0;
  for (auto& f : slow) {
    try {
      f.get();
    } catch (const canopy::Cancelled&) {
      ++cancelled;
    }
  }
  const int again = ctx.spawn([](canopy::Context&) { return 1; }).get();
  return what + " / " + std::to_string(cancelled + ran->load()) + " / " + std::to_string(again);
}

}  // namespace

TEST_CASE("wait_all after a cancellation rethrows the original exception and not Cancelled", "[core][cancel]") {
  const int w = CANOPY_WORKER_COUNTS();
  INFO("workers " << w);
  canopy::Runtime rt(runtime_config(w));
  std::atomic<int> ran{0};
  CHECK(rt.run(wait_all_after_cancellation, &ran) == "the failure / 4 / 1");
  if (w == 1) CHECK(ran.load() == 0);
  // An explicit cancel is no failure: a join does not report it.
  CHECK(rt.run([](canopy::Context& ctx) {
    canopy::Future<int> f = ctx.spawn([](canopy::Context&) { return 1; });
    f.cancel();
    ctx.wait_all();
    return 2;
  }) == 2);
}
