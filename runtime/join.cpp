#include "join.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "canopy/errors.hpp"
#include "cancel.hpp"
#include "completion.hpp"
#include "deadlock.hpp"
#include "log.hpp"
#include "scheduler/scheduler.hpp"

namespace canopy::rt {

using detail::Frame;
using detail::JoinState;
using sched::Scheduler;
using sched::Waiter;

namespace {

// Several children may complete at once: the first to need the record installs it.
JoinState* join_state_of(Frame* parent) {
  JoinState* j = parent->join.load(std::memory_order_acquire);
  if (j) return j;
  auto* fresh = new JoinState();
  if (parent->join.compare_exchange_strong(j, fresh, std::memory_order_acq_rel, std::memory_order_acquire)) return fresh;
  delete fresh;
  return j;
}

// Runs on the fiber we switched to: enter the waiting mode unless every child finished meanwhile.
bool commit_join(Waiter& w, void* arg) {
  auto* me = static_cast<Frame*>(arg);
  JoinState* j = join_state_of(me);
  j->waiter = &w;
  std::uint64_t seen = j->finished.load(std::memory_order_acquire);
  for (;;) {
    const std::uint32_t running = me->unjoined - static_cast<std::uint32_t>(seen);
    if (running == 0) return false;
    if (j->finished.compare_exchange_weak(seen, kJoinBias - running, std::memory_order_acq_rel,
                                          std::memory_order_acquire))
      return true;
  }
}

std::uint32_t finished_count(const Frame* me) {
  const JoinState* j = me->join.load(std::memory_order_acquire);
  return j ? static_cast<std::uint32_t>(j->finished.load(std::memory_order_acquire)) : 0;
}

}  // namespace

bool child_finished(Frame* child) {
  JoinState* j = join_state_of(child->parent);
  const bool failed = static_cast<bool>(child->error);
  if (failed) {
    cancel_siblings(child);  // already done when the body threw; a remote task's failure arrives here
    Frame* head = j->failed.load(std::memory_order_relaxed);
    do child->next_failed = head;
    while (!j->failed.compare_exchange_weak(head, child, std::memory_order_release, std::memory_order_relaxed));
  }
  // Past this increment the parent may finish and vanish: only the last child, which the parked
  // parent waits for, may still read the record.
  if (j->finished.fetch_add(1, std::memory_order_acq_rel) + 1 == kJoinBias) Scheduler::resume(*static_cast<Waiter*>(j->waiter));
  return !failed;
}

std::exception_ptr join_children(Frame* me) {
  std::exception_ptr first;
  while (finished_count(me) != me->unjoined) {
    // Our own children at the bottom of our deque run here; otherwise park until the last one ends.
    if (run_tail_child(Scheduler::current_hot(), me)) continue;
    Waiter waiter;
    waiter.task = me;
    if (!Scheduler::park(waiter, &commit_join, me)) {
      // At the fiber limit a join cannot fail (its children refer to it): it runs other tasks here
      // until its children are done or a fiber is free again.
      Scheduler::help();
      detail::WorkerHot* w = Scheduler::current_hot();
      w->current = me;
      me->worker = w;
      continue;
    }
    me->worker = Scheduler::current_hot();
    if (!waiter.deadlocked) {
      // The last child resumed us and nobody touches the record any more: back to counting.
      me->join.load(std::memory_order_relaxed)->finished.store(me->unjoined, std::memory_order_relaxed);
      continue;
    }
    // The children are being unwound by the same recovery and will finish; should one of them wait
    // in a new cycle, the next round of detection unwinds that one too, and this join waits again.
    if (!first) first = std::make_exception_ptr(DeadlockError(deadlock_report()));
  }
  me->unjoined = 0;
  std::vector<std::exception_ptr> errors;  // the errors nobody got, latest first
  if (JoinState* j = me->join.exchange(nullptr, std::memory_order_acquire)) {
    for (Frame* c = j->failed.load(std::memory_order_acquire); c;) {
      Frame* next = c->next_failed;
      // A Cancelled is the consequence of another error (reported on its own) or of Future::cancel.
      if (!c->error_observed.exchange(true, std::memory_order_acq_rel) && !is_cancelled_error(c))
        errors.push_back(c->error);
      release_ref(c, detail::kJoinRef);
      c = next;
    }
    delete j;
  }
  failure_observed(me);  // later children run again
  if (first) errors.push_back(first);
  if (errors.empty()) return nullptr;
  std::reverse(errors.begin(), errors.end());  // the first to fail first, each later one nested in it
  return combine_errors(errors);
}

void cancel_join_wait(Frame* me) {
  JoinState* j = me->join.load(std::memory_order_relaxed);
  const std::uint32_t running = static_cast<std::uint32_t>(kJoinBias - j->finished.load(std::memory_order_relaxed));
  j->finished.store(me->unjoined - running, std::memory_order_relaxed);
}

std::uint32_t unfinished_children(const Frame* me) {
  const JoinState* j = me->join.load(std::memory_order_acquire);
  return j ? static_cast<std::uint32_t>(kJoinBias - j->finished.load(std::memory_order_acquire)) : me->unjoined;
}

}  // namespace canopy::rt
