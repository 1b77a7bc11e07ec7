#pragma once
// How a task finishes and how others wait for it: waiter lists on the frame's state word, inline
// execution of one's own children, parking when a child runs elsewhere.
#include "canopy/detail/frame.hpp"
#include "canopy/detail/own_child.hpp"

namespace canopy::rt {

/// run_body runs a task's body and then waits for its children (the implicit wait_all).
void run_body(detail::Frame* f);
/// run_child_inline_on runs `child` (just popped by `me`'s worker w) on the current stack, to completion;
/// returns the worker the caller is on afterwards.
detail::WorkerHot* run_child_inline_on(detail::WorkerHot* w, detail::Frame* me, detail::Frame* child);
/// run_tail_child runs, on this stack, the task at the bottom of w's deque when it is a child of `me`
/// (or is `also`); false when there is none, and the waiter parks instead.
bool run_tail_child(detail::WorkerHot* w, detail::Frame* me, const detail::Frame* also = nullptr);
/// wait_done returns once `c` has completed; `me` is the waiting task (nullptr on a plain thread).
void wait_done(detail::Frame* me, detail::Frame* c);
/// no_fiber_to_wait throws Error: `me` cannot park to wait for `c` because the fiber limit is reached.
[[noreturn]] void no_fiber_to_wait(const detail::Frame* me, const detail::Frame* c);
/// report_overflow writes which task was running on this worker to `fd` (from the SIGSEGV handler).
void report_overflow(int fd);
/// complete publishes `f` as done, resumes whoever waits on it and counts it in its parent's join;
/// `f` may be freed right after.
void complete(detail::Frame* f);
/// release_ref drops `delta` references (kHandleRef or kJoinRef) and frees the frame at zero.
void release_ref(detail::Frame* f, std::uint32_t delta);
void release_ref_on(detail::WorkerHot* w, detail::Frame* f, std::uint32_t delta);
/// task_id is the task's id, unique in the job ((rank << 48) | sequence); given on first use, so spawning
/// costs nothing for it.
std::uint64_t task_id(const detail::Frame* f);
/// task_depth is the number of ancestors of `f`, found through its parents on first use and kept.
std::uint32_t task_depth(const detail::Frame* f);
/// task_name is a readable name for the task's callable ("fib", "main::{lambda(...)#1}").
std::string task_name(const detail::Frame* f);
/// callable_name is the function's symbol when `fn` is a plain function, else the demangled type name.
std::string callable_name(const char* type_name, const void* fn);
/// demangle reads a mangled C++ name (returned unchanged when it is not one).
std::string demangle(const char* name);

}  // namespace canopy::rt
