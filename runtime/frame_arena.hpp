#pragma once
// FrameArena: where task frames come from. Workers keep per-size-class free lists (inline, no locks);
// the arena carves new slabs and keeps the blocks a worker holds too many of.
#include <cstddef>

#include "canopy/detail/frame.hpp"

namespace canopy::rt {

/// free_frame destroys a finished frame and returns its block to the calling worker's cache.
void free_frame(detail::Frame* f);
/// free_frame_on is free_frame when the caller already knows its worker (nullptr: not a worker).
void free_frame_on(detail::WorkerHot* w, detail::Frame* f);

}  // namespace canopy::rt
