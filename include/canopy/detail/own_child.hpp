#pragma once
// The inline join: get() on one's own child that nobody stole and nobody else refers to runs the
// child right here and hands back its result without a call into the runtime. Everything else (the
// child was stolen, other handles exist, it has privileges, tracing is on) goes to future_get.
#include <atomic>
#include <utility>

#include "canopy/detail/frame.hpp"

namespace canopy::detail {

/// finish_children is a task's implicit wait_all when its body returns with children unjoined; their
/// first unobserved error becomes the task's unless it failed itself.
CANOPY_EXPORT void finish_children(Frame* c);
/// rethrow_inline_child_error marks c's exception observed, frees c and rethrows the exception.
[[noreturn]] CANOPY_EXPORT void rethrow_inline_child_error(WorkerHot* w, Frame* c);

/// take_own_child pops `c` off this worker's deque when the running task is its parent, the only
/// references are the caller's handle and the parent's join (so nobody else can be waiting on it),
/// and it has no privileges; returns the worker, or nullptr when the general path must serve it.
inline WorkerHot* take_own_child(Frame* c) {
  WorkerHot* w = this_worker();
  if (w && c->parent == w->current && !w->trace && !c->deps &&
      c->refs.load(std::memory_order_relaxed) == kHandleRef + kJoinRef && w->deque.pop_if(c))
    return w;
  return nullptr;
}

/// run_own_child runs a child taken by take_own_child on this stack and returns its result; its
/// frame goes back to the worker's cache. No atomics: nobody else ever saw the frame.
template <class R>
__attribute__((always_inline)) inline R run_own_child(WorkerHot* w, Frame* c) {
  Frame* me = c->parent;  // the running task: take_own_child checked it
  c->worker = w;
  w->current = c;
  c->ops()->run(c);
  if (c->unjoined) [[unlikely]] finish_children(c);
  w = c->worker;  // the child may have parked and come back on another worker
  w->current = me;
  me->worker = w;
  --me->unjoined;  // joined here: it never completes through the runtime, so nothing else counts it
  if (c->error) [[unlikely]] rethrow_inline_child_error(w, c);
  // The frame's other members are trivial or, like the null exception_ptr, hold nothing to destroy.
  const std::uint8_t cls = c->size_class;
  auto* rf = static_cast<ResultFrame<R>*>(c);
  if constexpr (std::is_void_v<R>) {
    if (!w->cache_frame(c, cls)) release_frame_block(w, c, cls);
  } else {
    R value(std::move(*rf->result.ptr()));
    rf->result.reset();
    if (!w->cache_frame(c, cls)) release_frame_block(w, c, cls);
    return value;
  }
}

}  // namespace canopy::detail
