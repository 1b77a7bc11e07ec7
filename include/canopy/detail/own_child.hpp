#pragma once
// The inline join: get() on one's own child that nobody stole and nobody else refers to runs the
// child right here and hands back its result without a call into the runtime. Everything else (the
// child was stolen, other handles exist, it has privileges, tracing is on) goes to future_get.
#include <atomic>
#include <exception>
#include <new>
#include <type_traits>
#include <utility>

#include "canopy/detail/abi.hpp"
#include "canopy/detail/frame.hpp"

namespace canopy::detail {


/// take_own_child pops `c` off this worker's deque when the running task is its parent and the only
/// references are the caller's handle and the parent's join (so nobody else can be waiting on it, and
/// it has no privileges: admit_child adds a reference to a child that has); returns the worker, or
/// nullptr when the general path must serve it.
inline WorkerHot* take_own_child(Frame* c) {
  WorkerHot* w = this_worker();
  if (w && c->parent == w->current && !w->trace &&
      c->refs.load(std::memory_order_relaxed) == kHandleRef + kJoinRef && w->deque.pop_if(c))
    return w;
  return nullptr;
}

/// hand_back gives the worker back to `me`, c's parent, once c, run inline, is over; c may have parked
/// and come back on another worker: its record says where it ended, and that worker is returned.
inline WorkerHot* hand_back(Frame* me, Frame* c) {
  WorkerHot* w = c->worker;
  w->current = me;
  me->worker = w;
  return w;
}

/// back_to_parent is hand_back for a child joined right there, which is counted as joined.
inline WorkerHot* back_to_parent(Frame* me, Frame* c) {
  WorkerHot* w = hand_back(me, c);
  --me->unjoined;  // joined here: it never completes through the runtime, so nothing else counts it
  return w;
}

/// invoke_own_child calls c's body through its typed entry and constructs the result in `value`; an
/// exception is stored in c->error (the value is then not constructed) and false returned.
template <class R>
__attribute__((always_inline)) inline bool invoke_own_child(Frame* c, void* value) {
  auto invoke = static_cast<const ResultOps<R>*>(c->ops())->invoke;
  try {
    if constexpr (std::is_void_v<R>) invoke(c);
    else ::new (value) R(invoke(c));
    return true;
  } catch (...) {
    c->error = std::current_exception();
    return false;
  }
}

/// run_own_child runs a child taken by take_own_child on this stack and returns its result; its
/// frame goes back to the worker's cache. No atomics: nobody else ever saw the frame.
template <class R>
__attribute__((always_inline)) inline R run_own_child(WorkerHot* w, Frame* c) {
  Frame* me = c->parent;  // the running task: take_own_child checked it
  c->worker = w;
  w->current = c;
  union Value {
    Value() {}
    ~Value() {}
    std::conditional_t<std::is_void_v<R>, char, R> r;
  } value;
  if (c->start_cancelled()) [[unlikely]] {
    c->ops()->run(c);  // sees the flag: does not call the body, stores canopy::Cancelled
    inline_child_threw(c);
  }
  if (!invoke_own_child<R>(c, &value.r)) [[unlikely]] inline_child_threw(c);
  if (c->unjoined) [[unlikely]] finish_children(c);
  if (c->deps) [[unlikely]] finish_inline_deps(c);  // the frame goes back below without free_frame_on
  w = back_to_parent(me, c);
  if (c->error) [[unlikely]] {
    if constexpr (!std::is_void_v<R>) value.r.~R();  // it returned, then one of its children failed
    rethrow_inline_child_error(w, c);
  }
  // The frame's other members are trivial or, like the null exception_ptr, hold nothing to destroy.
  const std::uint8_t cls = c->size_class;
  if (!w->cache_frame(c, cls)) release_frame_block(w, c, cls);
  if constexpr (!std::is_void_v<R>) {
    R result(std::move(value.r));
    value.r.~R();
    return result;
  }
}

}  // namespace canopy::detail
