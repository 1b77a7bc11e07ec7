#pragma once
// FrameArena: where task frames come from. Workers keep per-size-class free lists (inline, no locks);
// the arena carves new slabs and keeps the blocks a worker holds too many of.
#include <cstddef>

#include "canopy/detail/frame.hpp"

namespace canopy::rt {

/// free_frame_slow is free_frame_on for heap frames, full caches and plain threads.
void free_frame_slow(detail::WorkerHot* w, detail::Frame* f);

/// free_frame_on destroys a finished frame and returns its block to worker w's cache (w nullptr: not a worker).
inline void free_frame_on(detail::WorkerHot* w, detail::Frame* f) {
  if (f->deps || !w || f->size_class == detail::kHeapFrame) {
    free_frame_slow(w, f);
    return;
  }
  std::uint8_t cls = f->size_class;
  f->ops()->destroy(f);
  detail::release_frame_block(w, f, cls);
}

}  // namespace canopy::rt
