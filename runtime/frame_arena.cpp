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

void push_block(void*& head, std::uint32_t& count, void* block) {
  *static_cast<void**>(block) = head;
  head = block;
  ++count;
}
}  // namespace

void free_frame_slow(detail::WorkerHot* w, detail::Frame* f) {
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
  if (w && w->cache_frame(block, cls)) return;
  rt::Arena& a = rt::arena();
  std::lock_guard<std::mutex> lk(a.mutex);
  rt::push_block(a.spare[cls], a.spare_count[cls], block);
  if (w) {
    // Hand back half of this worker's cache at once, so the lock is taken rarely.
    for (std::uint32_t i = 0; i < kMaxCachedPerClass / 2; ++i) {
      void* b = w->free_frames[cls];
      w->free_frames[cls] = *static_cast<void**>(b);
      --w->free_count[cls];
      rt::push_block(a.spare[cls], a.spare_count[cls], b);
    }
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
        void* b = a.spare[cls];
        a.spare[cls] = *static_cast<void**>(b);
        --a.spare_count[cls];
        rt::push_block(w->free_frames[cls], w->free_count[cls], b);
      }
    } else {
      auto* slab = static_cast<char*>(::operator new(rt::kSlabBytes, std::align_val_t{64}));
      a.slabs.push_back(slab);
      for (std::size_t off = 0; off + block <= rt::kSlabBytes; off += block)
        rt::push_block(w->free_frames[cls], w->free_count[cls], slab + off);
    }
  }
  void* b = w->free_frames[cls];
  w->free_frames[cls] = *static_cast<void**>(b);
  --w->free_count[cls];
  return b;
}

}  // namespace canopy::detail
