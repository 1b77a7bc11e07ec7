#pragma once
// WorkerHot: the part of a worker that the inline spawn path touches: its deque and its frame cache.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "canopy/detail/ws_deque.hpp"
#include "canopy/export.hpp"

namespace canopy::detail {

struct Frame;
struct WorkerHot;

/// Frames come in size classes of kFrameGranule bytes; larger ones go to the heap.
inline constexpr std::size_t kFrameGranule = 64;
inline constexpr std::size_t kFrameClasses = 8;
inline constexpr std::uint8_t kHeapFrame = 0xff;

/// refill_frames hands out a block of class `cls` when the worker's free list is empty.
CANOPY_EXPORT void* refill_frames(WorkerHot* w, std::size_t cls);
/// wake_sleeper rouses one sleeping worker of w's scheduler because w has work to steal.
CANOPY_EXPORT void wake_sleeper(WorkerHot* w);

/// WorkerHot is the first member of every scheduler worker; one thread owns it.
struct WorkerHot {
  WsDeque deque;
  void* free_frames[kFrameClasses] = {};   // singly linked through the first word of each block
  std::uint32_t free_count[kFrameClasses] = {};
  const std::atomic<int>* sleepers = nullptr;  // the scheduler's count of sleeping workers
  void* runtime = nullptr;                 // the runtime that owns this worker (opaque here)
  void* scheduler = nullptr;               // its scheduler (opaque here)
  void* trace = nullptr;                   // this worker's trace buffer; nullptr when tracing is off
  Frame* current = nullptr;                // innermost task running on this worker
  std::uint64_t next_task_id = 0;
  int index = 0;
  int socket = 0;
  int rank = 0;

  /// allocate_frame returns a block for a task frame of `size` bytes and its size class.
  void* allocate_frame(std::size_t size, std::uint8_t& cls) {
    std::size_t k = (size - 1) / kFrameGranule;
    if (k >= kFrameClasses) {
      cls = kHeapFrame;
      return ::operator new(size, std::align_val_t{64});
    }
    cls = static_cast<std::uint8_t>(k);
    void* block = free_frames[k];
    if (block == nullptr) return refill_frames(this, k);
    free_frames[k] = *static_cast<void**>(block);
    --free_count[k];
    return block;
  }

  /// push_task queues a task on this worker's deque and wakes a sleeping worker if there is one.
  void push_task(Task* t) {
    deque.push(t);
    if (sleepers->load(std::memory_order_relaxed) > 0) wake_sleeper(this);
  }
};

}  // namespace canopy::detail
