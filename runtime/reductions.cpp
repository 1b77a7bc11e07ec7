// Reductions: the buffers a task's Reduce accessors make on their first fold (kept in its TaskDeps,
// one per region and operator), the lock stripes that folds into a region take, and the fold at the
// task's end: a task that failed folds nothing, and an exception from the operator's fold becomes the
// task's.
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>

#include "cancel.hpp"
#include "task_deps.hpp"

namespace canopy::detail {

namespace {

/// Lock stripes for every region of the process: a granule of a root region maps to one of them by
/// hash, so folds into different granules rarely wait on each other.
constexpr std::uint32_t kFoldStripes = 1024;
struct alignas(64) Stripe {
  std::mutex m;
};
Stripe fold_stripes[kFoldStripes];

}  // namespace

ReductionBufferBase* find_reduction(Frame* task, std::uint64_t region_id, const char* op) {
  if (!task->deps) return nullptr;
  for (const std::unique_ptr<ReductionBufferBase>& b : task->deps->reductions)
    if (b->region_id == region_id && (b->op == op || std::strcmp(b->op, op) == 0)) return b.get();
  return nullptr;
}

void attach_reduction(Frame* task, ReductionBufferBase* buffer, std::uint64_t region_id, const char* op,
                      Storage* region_storage) {
  std::unique_ptr<ReductionBufferBase> owned(buffer);
  owned->region_id = region_id;
  owned->op = op;
  TaskDeps& d = rt::deps_of(task);
  d.reductions.reserve(d.reductions.size() + 1);
  d.reduced_storage.reserve(d.reduced_storage.size() + 1);
  storage_retain(region_storage);  // the accessor and the request are gone by the time it is folded
  d.reduced_storage.push_back(region_storage);
  d.reductions.push_back(std::move(owned));
}

std::uint32_t fold_stripe(const Storage* s, std::int64_t granule) {
  std::uint64_t h = (s->root_id * 0x9E3779B97F4A7C15ull) ^ static_cast<std::uint64_t>(granule);
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 29;
  return static_cast<std::uint32_t>(h % kFoldStripes);
}

void fold_lock(std::uint32_t stripe) { fold_stripes[stripe].m.lock(); }
void fold_unlock(std::uint32_t stripe) { fold_stripes[stripe].m.unlock(); }

}  // namespace canopy::detail

namespace canopy::rt {

void fold_reductions(detail::Frame* f) {
  detail::TaskDeps& d = *f->deps;
  if (d.reductions.empty()) return;
  // A failed task (its body threw, or a child's error became its own) folds none of its buffers.
  if (!f->error) {
    for (const std::unique_ptr<detail::ReductionBufferBase>& b : d.reductions) {
      try {
        b->fold_into_region();  // all of this buffer or, when Op::fold throws, none of it
      } catch (...) {
        // The buffers folded before stay folded; the rest are dropped with this one.
        f->error = std::current_exception();
        cancel_siblings(f);
        break;
      }
    }
  }
  d.reductions.clear();
}

}  // namespace canopy::rt
