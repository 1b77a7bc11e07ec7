#include "frame_arena.hpp"

#include <mutex>
#include <new>
#include <vector>

#include "scheduler/scheduler.hpp"
#include "task_deps.hpp"

namespace canopy::rt {

namespace {
constexpr std::size_t kSlabBytes = 64 * 1024;
constexpr std::uint32_t kRefillBatch = 64;

/// Arena is process-wide: a frame may be freed by any worker of any runtime, or by a plain thread.
struct Arena {
  std::mutex mutex;
  std::vector<void*> slabs;
  void* spare[detail::kFrameClasses] = {};
  std::uint32_t spare_count[detail::kFrameClasses] = {};

  ~Arena() {
    for (void* s : slabs) ::operator delete(s, std::align_val_t{64});
  }
};

Arena& arena() {
  static Arena* a = new Arena();  // never destroyed: frames may be freed during static destruction
  return *a;
}

void push_block(void*& head, void* block) {
  *static_cast<void**>(block) = head;
  head = block;
}
void* pop_block(void*& head) {
  void* b = head;
  if (b) head = *static_cast<void**>(b);
  return b;
}
}  // namespace

void free_frame_on(detail::WorkerHot* w, detail::Frame* f) {
  std::uint8_t cls = f->size_class;
  delete f->deps;
  f->ops()->destroy(f);
  detail::release_frame_block(w, f, cls);
}

}  // namespace canopy::rt

namespace canopy::detail {

void release_frame_block(WorkerHot* w, void* block, std::uint8_t cls) {
  if (cls == kHeapFrame) {
    ::operator delete(block, std::align_val_t{64});
    return;
  }
  if (w) {
    rt::push_block(w->free_frames[cls], block);
    if (++w->foreign_frees[cls] < kMaxCachedPerClass) return;
    // Once per kMaxCachedPerClass / 2 foreign frees, as many blocks go back: a worker that only frees
    // what others spawned keeps at most kMaxCachedPerClass of them, and the lock is taken rarely.
    w->foreign_frees[cls] -= kMaxCachedPerClass / 2;
  }
  rt::Arena& a = rt::arena();
  std::lock_guard<std::mutex> lk(a.mutex);
  if (!w) {
    rt::push_block(a.spare[cls], block);
    ++a.spare_count[cls];
    return;
  }
  for (std::uint32_t i = 0; i < kMaxCachedPerClass / 2; ++i) {
    void* b = rt::pop_block(w->free_frames[cls]);
    if (!b) break;
    rt::push_block(a.spare[cls], b);
    ++a.spare_count[cls];
  }
}

void* refill_frames(WorkerHot* w, std::size_t cls) {
  using rt::Arena;
  auto& a = rt::arena();
  const std::size_t block = (cls + 1) * kFrameGranule;
  {
    std::lock_guard<std::mutex> lk(a.mutex);
    if (a.spare[cls]) {
      for (std::uint32_t i = 0; i < rt::kRefillBatch && a.spare[cls]; ++i) {
        rt::push_block(w->free_frames[cls], rt::pop_block(a.spare[cls]));
        --a.spare_count[cls];
      }
    } else {
      auto* slab = static_cast<char*>(::operator new(rt::kSlabBytes, std::align_val_t{64}));
      a.slabs.push_back(slab);
      for (std::size_t off = 0; off + block <= rt::kSlabBytes; off += block)
        rt::push_block(w->free_frames[cls], slab + off);
    }
  }
  return rt::pop_block(w->free_frames[cls]);
}

}  // namespace canopy::detail
