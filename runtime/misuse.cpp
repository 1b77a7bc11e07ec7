// The errors of a task that uses the runtime the wrong way or past its limits, each refused before
// anything is touched.
#include <unistd.h>

#include <sstream>
#include <string>

#include "canopy/errors.hpp"
#include "completion.hpp"
#include "scheduler/scheduler.hpp"

namespace canopy::detail {

namespace {
std::string describe(const Frame* f) {
  std::ostringstream out;
  out << "task " << rt::task_id(f) << " '" << rt::task_name(f) << "'";
  return out.str();
}
}  // namespace

// A lambda that captures [&] holds its parent's Context too, and spawning through that one from the
// child would push onto another worker's deque from the wrong thread.
void wrong_context(const Frame* f, const char* what) {
  const WorkerHot* w = sched::Scheduler::current_hot();
  const Frame* running = w ? w->current : nullptr;
  std::ostringstream msg;
  msg << "canopy: " << what << " through the Context of " << describe(f) << ", but ";
  if (running) msg << describe(running) << " is the task running here";
  else if (w) msg << "no task is running on this worker";
  else msg << "this thread is not a Canopy worker (a std::thread a task started?)";
  msg << ". A task spawns, waits and creates regions only through the Context it receives as its first "
         "parameter: a lambda task that captures [&] or [&ctx] must use its own Context parameter instead.";
  throw Error(msg.str());
}

}  // namespace canopy::detail

namespace canopy::rt {

void no_fiber_to_wait(const detail::Frame* me, const detail::Frame* c) {
  auto* s = static_cast<const sched::Scheduler*>(sched::Scheduler::current_hot()->scheduler);
  std::ostringstream msg;
  msg << "canopy: " << (me ? detail::describe(me) : std::string("a task")) << " cannot wait for "
      << detail::describe(c) << ": ";
  if (s->fibers() < s->fiber_limit()) {
    // Below the limit: the kernel refused the mapping of a new stack.
    msg << "the kernel refused a new fiber stack with " << s->fibers()
        << " fibers in use (out of memory or address space, or vm.max_map_count reached; a smaller "
           "Config::stack_size, CANOPY_STACK_SIZE or --canopy:stack-size needs less)";
    throw Error(msg.str());
  }
  msg << s->fibers() << " fibers exist, the limit of " << s->fiber_limit() << " tasks parked at once";
  if (s->fiber_limit_by_maps())
    msg << " set by the kernel's vm.max_map_count (each stack costs mappings on this kernel; raise it with "
           "sysctl vm.max_map_count)";
  else
    msg << " (Config::max_fibers; raise it with CANOPY_MAX_FIBERS or --canopy:max-fibers)";
  throw Error(msg.str());
}

void report_overflow(int fd) {
  const detail::WorkerHot* w = detail::current_worker_hot();
  if (!w || !w->current) return;
  std::string line = "canopy: the task that overflowed: " + detail::describe(w->current) + " at depth " +
                     std::to_string(task_depth(w->current)) + "\n";
  (void)!::write(fd, line.data(), line.size());
}

}  // namespace canopy::rt
