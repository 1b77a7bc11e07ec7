#pragma once
// FrameArena: where task frames come from. Workers keep per-size-class free lists (inline, no locks);
// the arena carves new slabs and keeps the blocks a worker holds too many of.
#include <cstddef>

#include "canopy/detail/frame.hpp"

namespace canopy::rt {

/// free_frame_on destroys a finished frame (its dependences too) and gives its block back: to worker
/// w's cache, or to the arena (w nullptr: not a worker).
void free_frame_on(detail::WorkerHot* w, detail::Frame* f);

}  // namespace canopy::rt
