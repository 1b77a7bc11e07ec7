// Core runtime: exceptions. A task at any depth throws; get() rethrows; an exception nobody got is
// reported at the parent's implicit wait (and so by rt.run); wait_all rethrows; the task's own exception
// wins over its children's; the runtime stays usable.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "tree_workloads.hpp"

using namespace canopy_test;
using Catch::Matchers::Message;

namespace {

struct Boom : std::runtime_error {
  int depth;
  Boom(const std::string& what, int d) : std::runtime_error(what), depth(d) {}
};
struct NotAStdException {
  int code;
};

std::string boom_message(int depth) { return "boom at depth " + std::to_string(depth); }

/// dive goes down one child per level and throws at depth `at`; every level gets its child.
long dive(canopy::Context& ctx, int depth, int at) {
  if (depth == at) throw Boom(boom_message(depth), depth);
  return ctx.spawn(dive, depth + 1, at).get() + 1;
}

/// dive_unread goes down the same way but nobody gets a future: each error reaches the parent only
/// through the implicit wait at task exit.
void dive_unread(canopy::Context& ctx, int depth, int at) {
  if (depth == at) throw Boom(boom_message(depth), depth);
  ctx.spawn(dive_unread, depth + 1, at);
  ctx.spawn([](canopy::Context&) { busy(1000); });  // a sibling that completes normally
}

/// bushy: a tree 4 wide, `levels` deep; exactly the node with path number `target` throws.
long bushy(canopy::Context& ctx, int levels, long path, long target) {
  if (path == target) throw Boom("boom at node " + std::to_string(path), levels);
  if (levels == 0) return 1;
  std::vector<canopy::Future<long>> kids;
  for (long i = 0; i < 4; ++i) kids.push_back(ctx.spawn(bushy, levels - 1, path * 4 + i + 1, target));
  long n = 1;
  for (auto& k : kids) n += k.get();
  return n;
}

}  // namespace

TEST_CASE("an exception at depth d reaches rt.run with its type and message (children got)", "[core][exception]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  for (int at : {0, 1, 2, 3, 10, 100, 1000}) {
    INFO("workers " << w << ", throw at depth " << at);
    REQUIRE_THROWS_MATCHES(rt.run(dive, 0, at), Boom, Message(boom_message(at)));
    try {
      rt.run(dive, 0, at);
    } catch (const Boom& b) {
      CHECK(b.depth == at);
    }
    REQUIRE(rt.run(fib_task, 15) == 610);  // still usable
  }
}

TEST_CASE("an exception at depth d reaches rt.run through implicit waits only", "[core][exception]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  for (int at : {0, 1, 2, 5, 50, 500}) {
    INFO("workers " << w << ", throw at depth " << at);
    REQUIRE_THROWS_MATCHES(rt.run(dive_unread, 0, at), Boom, Message(boom_message(at)));
    REQUIRE(rt.run(fib_task, 15) == 610);
  }
}

TEST_CASE("one throwing node in a bushy tree", "[core][exception]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  // 4^0 + ... + 4^5 = 1365 nodes, numbered breadth-first from 0.
  for (long target : {0L, 1L, 7L, 100L, 1000L, 1364L}) {
    INFO("workers " << w << ", node " << target);
    REQUIRE_THROWS_MATCHES(rt.run(bushy, 5, 0L, target), Boom, Message("boom at node " + std::to_string(target)));
  }
  CHECK(rt.run(bushy, 5, 0L, -1L) == 1365);
}

TEST_CASE("exceptions that are not std::exceptions, and std::exceptions that are not runtime_errors", "[core][exception]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  try {
    rt.run([](canopy::Context& ctx) {
      return ctx.spawn([](canopy::Context&) -> int { throw NotAStdException{17}; }).get();
    });
    FAIL("rt.run returned");
  } catch (const NotAStdException& e) {
    CHECK(e.code == 17);
  }
  CHECK_THROWS_AS(rt.run([](canopy::Context& ctx) { ctx.spawn([](canopy::Context&) { throw 5; }); }), int);
  CHECK_THROWS_AS(rt.run([](canopy::Context& ctx) {
                    ctx.spawn([](canopy::Context& c) { c.spawn([](canopy::Context&) { throw std::bad_alloc(); }); });
                  }),
                  std::bad_alloc);
  CHECK(rt.run(fib_task, 10) == 55);
}

namespace {
void thrower(canopy::Context&, std::string what) { throw std::runtime_error(what); }

int unread_child_error(canopy::Context& ctx) {
  ctx.spawn(thrower, std::string("nobody got me"));  // the future is dropped at once
  return 5;
}

int kept_but_unread(canopy::Context& ctx) {
  canopy::Future<void> f = ctx.spawn(thrower, std::string("kept, never got"));
  f.wait();  // waiting is not getting: the error stays unobserved
  return 6;
}

std::string get_rethrows(canopy::Context& ctx) {
  auto f = ctx.spawn(thrower, std::string("got it"));
  try {
    f.get();
  } catch (const std::runtime_error& e) {
    return std::string("caught: ") + e.what();
  }
  return "no exception";
}

std::string wait_all_rethrows(canopy::Context& ctx) {
  ctx.spawn(thrower, std::string("from wait_all"));
  ctx.spawn([](canopy::Context&) { busy(5000); });
  try {
    ctx.wait_all();
  } catch (const std::runtime_error& e) {
    return std::string("caught: ") + e.what();  // observed here: the implicit wait must not rethrow it
  }
  return "no exception";
}

int own_exception_wins(canopy::Context& ctx) {
  ctx.spawn(thrower, std::string("the child's"));
  ctx.spawn([](canopy::Context&) { busy(20000); });
  throw Boom("the parent's", 0);
}

int parent_throws_child_still_running(canopy::Context& ctx, std::atomic<int>* finished) {
  for (int i = 0; i < 4; ++i)
    ctx.spawn([](canopy::Context&, std::atomic<int>* f) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      f->fetch_add(1);
    }, finished);
  throw Boom("parent leaves early", 0);
}

/// got_inline_parent_throws gets, inline, a child that throws while its own children still sleep:
/// the inline get must wait for them before the exception reaches it.
int got_inline_parent_throws(canopy::Context& ctx, std::atomic<int>* finished) {
  try {
    return ctx.spawn(parent_throws_child_still_running, finished).get();
  } catch (const Boom&) {
    return finished->load() == 4 ? 1 : -1;  // -1: the exception overtook the grandchildren
  }
}

int consumer_catches(canopy::Context&, canopy::Future<int> f, std::atomic<bool>* started) {
  started->store(true);
  try {
    return f.get();
  } catch (const Boom&) {
    return -1;
  }
}

/// fails_after_start fails once the consumer runs: a failure before that would cancel the consumer.
int fails_after_start(canopy::Context&, std::atomic<bool>* consumer_started) {
  while (!consumer_started->load()) std::this_thread::yield();
  throw Boom("seen by a sibling", 1);
}

int sibling_observes(canopy::Context& ctx) {
  std::atomic<bool> started{false};
  canopy::Future<int> p = ctx.spawn(fails_after_start, &started);
  canopy::Future<int> c = ctx.spawn(consumer_catches, std::move(p), &started);
  return c.get();  // the producer's error was got by the consumer: nothing is left to report
}

struct TwoGets {
  int thrown = 0;
};
TwoGets two_handles_both_rethrow(canopy::Context& ctx) {
  canopy::Future<int> p = ctx.spawn([](canopy::Context&) -> int { throw Boom("twice", 1); });
  canopy::Future<int> q = p;
  TwoGets r;
  try {
    p.get();
  } catch (const Boom&) {
    ++r.thrown;
  }
  try {
    q.get();
  } catch (const Boom&) {
    ++r.thrown;
  }
  return r;
}

int many_throw(canopy::Context& ctx) {
  for (int i = 0; i < 100; ++i) ctx.spawn(thrower, "error " + std::to_string(i));
  return 0;
}
}  // namespace

TEST_CASE("an exception in a child nobody gets is reported at the parent's implicit wait", "[core][exception]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  CHECK_THROWS_MATCHES(rt.run(unread_child_error), std::runtime_error, Message("nobody got me"));
  CHECK_THROWS_MATCHES(rt.run(kept_but_unread), std::runtime_error, Message("kept, never got"));
  CHECK_THROWS_AS(rt.run(many_throw), std::runtime_error);
  CHECK(rt.run(fib_task, 12) == 144);
}

TEST_CASE("get() rethrows the child exception and once caught it is not reported again", "[core][exception]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  CHECK(rt.run(get_rethrows) == "caught: got it");
  CHECK(rt.run(sibling_observes) == -1);
  CHECK(rt.run(two_handles_both_rethrow).thrown == 2);
}

TEST_CASE("wait_all rethrows a child exception and once caught it is not reported again", "[core][exception]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  CHECK(rt.run(wait_all_rethrows) == "caught: from wait_all");
}

TEST_CASE("a task own exception wins over its children and children finish before rt.run rethrows", "[core][exception]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  CHECK_THROWS_MATCHES(rt.run(own_exception_wins), Boom, Message("the parent's"));
  std::atomic<int> finished{0};
  CHECK_THROWS_MATCHES(rt.run(parent_throws_child_still_running, &finished), Boom, Message("parent leaves early"));
  CHECK(finished.load() == 4);  // a child never outlives its parent's scope, even when the parent throws
  finished = 0;
  CHECK(rt.run(got_inline_parent_throws, &finished) == 1);
}

TEST_CASE("the runtime stays usable after many failing runs", "[core][exception]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  for (int i = 0; i < 200; ++i) {
    if (i % 2) {
      REQUIRE_THROWS_AS(rt.run(dive, 0, i % 7), Boom);
    } else {
      REQUIRE(rt.run(fib_task, i % 15) == fib_serial(i % 15));
    }
  }
  check_tree_seeds(rt, 1000, 10);
}

namespace {
int point_may_throw(canopy::Context&, std::size_t i, std::size_t bad) {
  if (i == bad) throw Boom("point " + std::to_string(i), 1);
  busy(500);
  return static_cast<int>(i);
}
std::string index_launch_throws(canopy::Context& ctx, std::size_t n, std::size_t bad) {
  auto fs = ctx.spawn_each(n, point_may_throw, bad);
  try {
    fs.get();
  } catch (const Boom& b) {
    // The other points are still there: every future that was not consumed gets its value, or
    // canopy::Cancelled for a point that had not started when point `bad` failed.
    int sum = 0;
    for (std::size_t i = 0; i < fs.size(); ++i) {
      if (!fs[i].valid()) continue;
      try {
        sum += fs[i].get();
      } catch (const canopy::Cancelled&) {
      }
    }
    return std::string(b.what()) + " / " + std::to_string(sum);
  }
  return "no exception";
}
}  // namespace

TEST_CASE("an exception in an index launch: FutureMap::get rethrows it", "[core][exception]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  // Points 0..9; point 6 throws. FutureMap::get consumes 0..6 in order (passing over cancelled points)
  // and rethrows at 6; 7, 8 and 9 are left for the handler: 7 + 8 + 9 = 24 when they ran, which at one
  // worker they did (the deque runs them first); elsewhere those not started when 6 failed are cancelled.
  const std::string got = rt.run(index_launch_throws, std::size_t{10}, std::size_t{6});
  CHECK(got.rfind("point 6 / ", 0) == 0);
  if (w == 1) CHECK(got == "point 6 / 24");
  CHECK_THROWS_MATCHES(rt.run([](canopy::Context& ctx) { ctx.spawn_each(100, point_may_throw, std::size_t{42}); }),
                       Boom, Message("point 42"));
}
