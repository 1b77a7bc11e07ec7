#pragma once
// WorkerHot: the part of a worker that the inline spawn path touches: its deque and its frame cache.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "canopy/detail/ws_deque.hpp"
#include "canopy/detail/abi.hpp"
#include "canopy/export.hpp"

namespace canopy::detail {

struct Frame;
struct WorkerHot;

/// Frames come in size classes of kFrameGranule bytes; larger ones go to the heap.
inline constexpr std::size_t kFrameGranule = 64;
inline constexpr std::size_t kFrameClasses = 8;
inline constexpr std::uint8_t kHeapFrame = 0xff;
inline constexpr std::uint32_t kMaxCachedPerClass = 4096;  // foreign frees after which a worker gives half back


/// this_worker is current_worker_hot() without the call. A task's fiber may move to another thread
/// at any suspension, and compilers treat the thread pointer as constant within a function, so a plain
/// thread_local read could return the worker the function started on: the volatile asm is re-run at
/// every use. Elsewhere the exported function, whose call the compiler cannot cache, does the same.
inline WorkerHot* this_worker() {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(CANOPY_NO_INLINE_TLS)
  WorkerHot* w;
  asm volatile("movq canopy_tls_worker@gottpoff(%%rip), %0\n\tmovq %%fs:(%0), %0" : "=r"(w) : : "memory");
  return w;
#else
  return current_worker_hot();
#endif
}


/// WorkerHot is the first member of every scheduler worker; one thread owns it.
struct WorkerHot {
  WsDeque deque;
  void* free_frames[kFrameClasses] = {};   // singly linked through the first word of each block
  // Blocks the runtime freed here since the last give-back. The inline get returns what this worker's
  // spawn took and is not counted; a worker that frees frames spawned elsewhere gives them back.
  std::uint32_t foreign_frees[kFrameClasses] = {};
  std::atomic<bool> sleepers_waiting{false};  // some worker of the scheduler sleeps (a hint it keeps here)
  void* runtime = nullptr;                 // the runtime that owns this worker (opaque here)
  void* scheduler = nullptr;               // its scheduler (opaque here)
  void* trace = nullptr;                   // this worker's trace buffer; nullptr when tracing is off
  Frame* current = nullptr;                // innermost task running on this worker
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
    return block;
  }

  /// cache_frame keeps the block of a frame this worker spawned and the inline get destroyed; false
  /// for a heap block (release_frame_block takes those).
  bool cache_frame(void* block, std::uint8_t cls) {
    if (cls == kHeapFrame) return false;
    *static_cast<void**>(block) = free_frames[cls];
    free_frames[cls] = block;
    return true;
  }

  /// push_task queues a task on this worker's deque and wakes a sleeping worker if there is one.
  void push_task(Task* t) {
    deque.push(t);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);  // the push before the hint (see sched::heavy_fence)
    if (sleepers_waiting.load(std::memory_order_relaxed)) [[unlikely]] wake_sleeper(this);
  }
};

}  // namespace canopy::detail
