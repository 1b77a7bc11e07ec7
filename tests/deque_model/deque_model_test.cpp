// Exhaustive checks of the work-stealing deque and of the push/sleep handshake under x86-TSO (issue
// 10): every interleaving of small scenarios, with store buffers draining at every possible moment.
// Each broken variant shows that the checks have teeth: the explorer must find its counterexample.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "deque_model.hpp"

using canopy::model::DequeModel;
using canopy::model::Op;
using canopy::model::Stats;
using canopy::model::Variant;

namespace {

Op push(int task) { return {Op::push, task}; }
Op push_task(int task) { return {Op::push_task, task}; }
Op pop() { return {Op::pop, 0}; }
Op pop_if(int task) { return {Op::pop_if, task}; }
Op steal() { return {Op::steal, 0}; }
Op sleep() { return {Op::sleep, 0}; }

Stats run(const std::string& name, std::vector<std::vector<Op>> programs, Variant v = {}) {
  Stats st = canopy::model::explore(DequeModel(std::move(programs), v));
  std::printf("%s: %llu states, %llu transitions, %llu final states, %.3g schedules, %.2f s\n", name.c_str(),
              static_cast<unsigned long long>(st.states), static_cast<unsigned long long>(st.transitions),
              static_cast<unsigned long long>(st.finals), st.schedules, st.seconds);
  return st;
}

void passes(const Stats& st) {
  INFO(st.violation);
  CHECK(st.violation.empty());
  CHECK(st.finals > 0);
}

void fails_with(const Stats& st, const std::string& expected, const std::string& culprit) {
  REQUIRE_FALSE(st.violation.empty());
  std::printf("counterexample: %s\n", st.violation.c_str());
  INFO(st.violation);
  CHECK(st.violation.find(expected) != std::string::npos);
  CHECK(st.violation.find(culprit) != std::string::npos);
}

const std::vector<std::vector<Op>> kLastTask = {{push(1), pop()}, {steal()}};
const std::vector<std::vector<Op>> kSleeper = {{push_task(1), push_task(2)}, {sleep()}};

}  // namespace

TEST_CASE("deque model: the owner's pop and pop_if race thieves for the last task") {
  passes(run("last task", kLastTask));
  // With two thieves one of them also loses the lock race, or finds the deque empty.
  passes(run("last task, two thieves", {{push(1), pop()}, {steal()}, {steal()}}));
  passes(run("last task by pop_if, two thieves", {{push(1), pop_if(1)}, {steal()}, {steal()}}));
}

TEST_CASE("deque model: pushes and pops against two thieves, growing from capacity 2") {
  passes(run("push push pop pop", {{push(1), push(2), pop(), pop()}, {steal()}, {steal()}}));
  passes(run("push pop push pop", {{push(1), pop(), push(2), pop()}, {steal()}, {steal()}}));
  passes(run("mixed",
             {{push(1), push(2), push(3), pop(), push(4), pop(), pop(), pop()}, {steal(), steal()}, {steal(), steal()}}));
}

TEST_CASE("deque model: pop_if against two thieves") {
  passes(run("pop_if", {{push(1), push(2), pop_if(2), pop_if(1)}, {steal()}, {steal()}}));
  passes(run("pop_if mixed", {{push(1), push(2), push(3), pop_if(3), push(4), pop_if(4), pop_if(2), pop_if(1)},
                              {steal(), steal()},
                              {steal(), steal()}}));
  // Once task 1 is gone, a stale copy of it below head must fail pop_if's head check.
  passes(run("pop_if stale", {{push(1), pop_if(1), pop_if(1)}, {steal()}}));
}

TEST_CASE("deque model: growth, the head cache and wrap-around") {
  // Capacity 2 grows at the second push; 4 grows at the fourth or fifth unless the steals, read
  // through make_room's head cache, made room, and then a push reuses the slot of a stolen task.
  passes(run("six pushes", {{push(1), push(2), push(3), push(4), push(5), push(6), pop(), pop()},
                            {steal(), steal(), steal()},
                            {steal(), steal()}}));
}

TEST_CASE("deque model: a pop whose tail store does not fence takes the last task twice") {
  Variant broken;
  broken.pop_fenced = false;
  fails_with(run("last task, relaxed pop store", kLastTask, broken), "taken 2 times",
             "pop (broken): tail_.store(tail, relaxed)");
}

TEST_CASE("sleeper model: push_task against a worker going to sleep") {
  passes(run("push_task vs sleep", kSleeper));
}

TEST_CASE("sleeper model: without heavy_fence a wake-up is lost") {
  Variant broken;
  broken.sleep_fence = Variant::Fence::none;
  fails_with(run("push_task vs sleep, compiler barriers only", kSleeper, broken), "lost wake-up", "sleep (broken)");
}

TEST_CASE("sleeper model: where membarrier is refused a wake-up can be lost") {
  // heavy_fence is then an mfence on the sleeper alone: the push's tail store can still wait in
  // its buffer while the push reads the hint, as docs/scheduler.md says (the timeout bounds it).
  Variant refused;
  refused.sleep_fence = Variant::Fence::mfence;
  fails_with(run("push_task vs sleep, membarrier refused", kSleeper, refused), "lost wake-up", "membarrier refused");
}
