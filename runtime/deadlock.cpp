#include "deadlock.hpp"

#include <algorithm>
#include <mutex>
#include <sstream>

#include "completion.hpp"
#include "join.hpp"
#include "log.hpp"

namespace canopy::rt {

namespace {
std::mutex report_mutex;
std::string last_report;

std::string describe(const detail::Frame* f) {
  std::ostringstream out;
  out << "task " << task_id(f) << " '" << task_name(f) << "' (depth " << task_depth(f) << ")";
  return out.str();
}
}  // namespace

void on_deadlock(std::vector<sched::Waiter*>& stuck) {
  std::ostringstream msg;
  msg << "canopy: deadlock: every worker is idle while " << stuck.size()
      << " task(s) wait on futures that can never complete:";
  for (sched::Waiter* w : stuck) {
    auto* task = static_cast<const detail::Frame*>(w->task);
    auto* target = static_cast<detail::Frame*>(w->target);
    msg << "\n  " << (task ? describe(task) : std::string("a thread")) << " waits for ";
    if (target) msg << describe(target);
    else msg << unfinished_children(task) << " of its children to finish";
  }
  // No task runs now, but a thread that is not a worker may still link itself into a waiter list
  // (get() from a std::thread): take each list whole, keep in it only the waiters that are not being
  // resumed here, and link those back in front of whatever arrived meanwhile.
  for (sched::Waiter* w : stuck) {
    auto* target = static_cast<detail::Frame*>(w->target);
    if (!target) {  // a task parked in its join: no child can bring the count to the end now
      cancel_join_wait(static_cast<detail::Frame*>(w->task));
      continue;
    }
    std::uintptr_t s = target->state.load(std::memory_order_acquire);
    do {
      if (s == detail::kDone || s == detail::kPending) break;
    } while (!target->state.compare_exchange_weak(s, detail::kPending, std::memory_order_acq_rel,
                                                  std::memory_order_acquire));
    if (s == detail::kDone || s == detail::kPending) continue;
    sched::Waiter* kept = nullptr;
    sched::Waiter* kept_last = nullptr;
    for (auto* x = reinterpret_cast<sched::Waiter*>(s); x;) {
      sched::Waiter* next = x->next;
      if (std::find(stuck.begin(), stuck.end(), x) == stuck.end()) {
        x->next = kept;
        kept = x;
        if (!kept_last) kept_last = x;
      }
      x = next;
    }
    if (!kept) continue;
    std::uintptr_t now = target->state.load(std::memory_order_acquire);
    do kept_last->next = reinterpret_cast<sched::Waiter*>(now);
    while (!target->state.compare_exchange_weak(now, reinterpret_cast<std::uintptr_t>(kept),
                                                std::memory_order_acq_rel, std::memory_order_acquire));
  }
  std::lock_guard<std::mutex> lk(report_mutex);
  last_report = msg.str();
  log(Subsystem::sched).error("{}", last_report);
}

std::string deadlock_report() {
  std::lock_guard<std::mutex> lk(report_mutex);
  return last_report;
}

}  // namespace canopy::rt
