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
  // Nothing runs now, so the waiter lists can be rewritten without the usual atomics: keep in each
  // list only the waiters that are not being resumed here (say, a thread blocked in Runtime::run).
  for (sched::Waiter* w : stuck) {
    auto* target = static_cast<detail::Frame*>(w->target);
    if (!target) {  // a task parked in its join: no child can bring the count to the end now
      cancel_join_wait(static_cast<detail::Frame*>(w->task));
      continue;
    }
    std::uintptr_t s = target->state.load(std::memory_order_acquire);
    if (s == detail::kDone || s == detail::kPending) continue;
    sched::Waiter* kept = nullptr;
    for (auto* x = reinterpret_cast<sched::Waiter*>(s); x;) {
      sched::Waiter* next = x->next;
      if (std::find(stuck.begin(), stuck.end(), x) == stuck.end()) {
        x->next = kept;
        kept = x;
      }
      x = next;
    }
    target->state.store(kept ? reinterpret_cast<std::uintptr_t>(kept) : detail::kPending, std::memory_order_release);
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
