// Inline mappings (ctx.access): a task reads or writes a region itself, ordered against its children
// as if it were one more child (Legion's inline mapping). The mapping is recorded in the task's
// analyzer like a child that never runs: the task waits for the earlier conflicting children, and
// later conflicting children wait for the mapping until its last accessor is destroyed.
#include <new>
#include <sstream>
#include <vector>

#include "analyzer.hpp"
#include "canopy/errors.hpp"
#include "completion.hpp"
#include "scheduler/scheduler.hpp"
#include "task_deps.hpp"
#include "trace.hpp"

namespace canopy::detail {

/// Mapping is a frame so that the analyzer, successor lists and the race witness treat it as a child.
struct Mapping final : Frame {
  std::atomic<int> holders{1};  // the accessors sharing it
  std::int64_t start_ns = 0;    // when it was granted (for the race witness)
};

namespace {

constexpr const char* kAccessName = "ctx.access";

void never_executed(Task*) { std::abort(); }  // a mapping is never queued
void destroy_mapping(Frame* f) { static_cast<Mapping*>(f)->~Mapping(); }
const char* mapping_name() { return kAccessName; }
const void* no_function(const Frame*) { return nullptr; }

constexpr FrameOps kMappingOps{{&never_executed}, nullptr, &destroy_mapping, nullptr, nullptr, &mapping_name,
                               &no_function, false};

/// end_mapping publishes the mapping as finished: later conflicting children may run.
void end_mapping(Mapping* m) {
  rt::finish_deps(m, m->start_ns);
  m->state.store(kDone, std::memory_order_release);
  rt::release_ref(m, kHandleRef);
}

}  // namespace

Mapping* access_begin(Frame* parent, const RequestInfo& request) {
  WorkerHot* w = current_worker_hot();
  if (!w || w->current != parent) wrong_context(parent, "ctx.access");
  check_requests(parent, &request, 1, kAccessName, nullptr);
  auto* m = ::new (::operator new(sizeof(Mapping), std::align_val_t{64})) Mapping();
  m->task_ops = &kMappingOps;
  m->size_class = kHeapFrame;
  m->parent = parent;
  m->worker = w;  // its scheduler takes the children it releases should it end off the workers
  m->refs.store(kHandleRef, std::memory_order_relaxed);
  TaskDeps& mine = rt::deps_of(parent);
  if (!mine.analyzer) mine.analyzer = std::make_unique<rt::Analyzer>();
  rt::deps_of(m).held.push_back(rt::held_of(request));
  std::vector<Frame*> preds;
  mine.analyzer->add(m, request, preds);
  // Waiting for each one to complete (not only to finish its dependences) is what get() does, and
  // runs a predecessor still at the bottom of our deque right here.
  std::size_t waited = 0;
  try {
    for (; waited < preds.size(); ++waited) {
      rt::wait_done(parent, preds[waited]);
      rt::release_ref(preds[waited], kHandleRef);
    }
  } catch (...) {
    for (std::size_t i = waited; i < preds.size(); ++i) rt::release_ref(preds[i], kHandleRef);
    end_mapping(m);
    throw;
  }
  m->start_ns = rt::trace_clock_ns();
  return m;
}

void mapping_retain(Mapping* m) { m->holders.fetch_add(1, std::memory_order_relaxed); }

void mapping_release(Mapping* m) {
  if (m->holders.fetch_sub(1, std::memory_order_acq_rel) == 1) end_mapping(m);
}

void too_few_pieces(const Frame* parent, std::size_t n, std::size_t pieces) {
  std::ostringstream msg;
  msg << "canopy::spawn_each: task '" << rt::task_name(parent) << "' launches " << n
      << " points with a request on canopy::each of a partition of " << pieces
      << " pieces; point i receives piece i, so the partition needs at least " << n << " pieces";
  throw Error(msg.str());
}

}  // namespace canopy::detail
