// canopy::blocking: the task parks while a spare thread runs the section; it may resume elsewhere.
#include "canopy/blocking.hpp"

#include "canopy/detail/frame.hpp"
#include "scheduler/scheduler.hpp"

namespace canopy::detail {

void run_blocking(void (*call)(void*), void* arg) {
  WorkerHot* w = sched::Scheduler::current_hot();
  Frame* me = w ? w->current : nullptr;
  sched::Scheduler::run_blocking(call, arg, me);
  if (me) me->worker = sched::Scheduler::current_hot();
}

}  // namespace canopy::detail
