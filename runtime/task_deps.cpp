#include "task_deps.hpp"

#include <cstdlib>

#include "analyzer.hpp"
#include "completion.hpp"
#include "scheduler/scheduler.hpp"
#include "witness.hpp"

namespace canopy::detail {

TaskDeps::TaskDeps() = default;
TaskDeps::~TaskDeps() {
  for (Storage* s : reduced_storage) storage_release(s);
}

}  // namespace canopy::detail

namespace canopy::rt {

detail::TaskDeps& deps_of(detail::Frame* f) {
  if (!f->deps) f->deps = new detail::TaskDeps();
  return *f->deps;
}

void finish_deps(detail::Frame* f, std::int64_t witness_start_ns) {
  detail::TaskDeps& d = *f->deps;
  fold_reductions(f);
  d.analyzer.reset();
  release_stack_captures(d);
  witness_record(f, witness_start_ns);
  std::vector<detail::Frame*> released;
  {
    std::lock_guard<std::mutex> lk(d.successors_mutex);
    d.finished = true;
    released.swap(d.successors);
  }
  for (detail::Frame* s : released) {
    if (s->deps->unmet.fetch_sub(1, std::memory_order_acq_rel) != 1) continue;
    // Finishing runs on a worker of the same runtime as the successor (never read s->parent: the
    // parent may be migrating right now).
    detail::WorkerHot* w = sched::Scheduler::current_hot();
    if (!w) {  // an inline mapping's last accessor went away off the workers: through its scheduler
      static_cast<sched::Scheduler*>(f->worker->scheduler)->submit(s, s->deps->socket);
      continue;
    }
    if (s->deps->socket >= 0) static_cast<sched::Scheduler*>(w->scheduler)->submit(s, s->deps->socket);
    else w->push_task(s);
  }
  if (d.admission_ref) {
    d.admission_ref = false;
    rt::release_ref(f, detail::kHandleRef);  // never the last: the task has not completed yet
  }
}

std::string privilege_name(Privilege p, const char* op) {
  switch (p) {
    case Privilege::read: return "read";
    case Privilege::write: return "write";
    case Privilege::read_write: return "read_write";
    case Privilege::reduce: {
      std::string name = op ? demangle(op) : "?";
      if (name.rfind("canopy::", 0) == 0) name = name.substr(8);
      return "reduce<" + name + ">";
    }
  }
  return "?";
}

}  // namespace canopy::rt
