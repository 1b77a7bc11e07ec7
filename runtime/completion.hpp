#pragma once
// How a task finishes and how others wait for it: waiter lists on the frame's state word, inline
// execution of one's own children, parking when a child runs elsewhere.
#include "canopy/detail/frame.hpp"

namespace canopy::rt {

/// run_body runs a task's body and then waits for its children (the implicit wait_all).
void run_body(detail::Frame* f);
/// unlink_child takes `c` out of `me`'s list of unjoined children.
void unlink_child(detail::Frame* me, detail::Frame* c);
/// join_child removes a finished child from `me`'s list and drops the parent's reference.
void join_child(detail::Frame* me, detail::Frame* c);
/// run_child_inline_on runs `child` (just popped by `me`'s worker w) on the current stack, to completion;
/// returns the worker the caller is on afterwards.
detail::WorkerHot* run_child_inline_on(detail::WorkerHot* w, detail::Frame* me, detail::Frame* child);
/// wait_done returns once `c` has completed; `me` is the waiting task (nullptr on a plain thread).
void wait_done(detail::Frame* me, detail::Frame* c);
/// join_children waits for all of `me`'s unjoined children and returns the first error nobody got.
std::exception_ptr join_children(detail::Frame* me);
/// complete publishes `f` as done and resumes whoever waits on it; `f` may be freed right after.
void complete(detail::Frame* f);
/// release_ref drops `delta` references (kHandleRef or kJoinRef) and frees the frame at zero.
void release_ref(detail::Frame* f, std::uint32_t delta);
void release_ref_on(detail::WorkerHot* w, detail::Frame* f, std::uint32_t delta);
/// task_name is a readable name for the task's callable ("fib", "main::{lambda(...)#1}").
std::string task_name(const detail::Frame* f);

}  // namespace canopy::rt
