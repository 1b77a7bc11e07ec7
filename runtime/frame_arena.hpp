#pragma once
// FrameArena: where task frames come from. Workers keep per-size-class free lists (inline, no locks);
// the arena carves new slabs and keeps the blocks a worker holds too many of.
#include <cstddef>

#include "canopy/detail/frame.hpp"

namespace canopy::rt {

/// free_frame_slow is free_frame_on for heap frames, full caches and plain threads.
void free_frame_slow(detail::WorkerHot* w, detail::Frame* f);

inline constexpr std::uint32_t kMaxCachedPerClass = 4096;  // past this a worker gives half back

/// free_frame_on destroys a finished frame and returns its block to worker w's cache (w nullptr: not a worker).
inline void free_frame_on(detail::WorkerHot* w, detail::Frame* f) {
  std::uint8_t cls = f->size_class;
  if (f->deps || cls == detail::kHeapFrame || !w || w->free_count[cls] >= kMaxCachedPerClass) {
    free_frame_slow(w, f);
    return;
  }
  f->ops->destroy(f);
  *reinterpret_cast<void**>(f) = w->free_frames[cls];
  w->free_frames[cls] = f;
  ++w->free_count[cls];
}

}  // namespace canopy::rt
