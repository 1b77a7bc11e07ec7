#pragma once
// Joining children without a list of them. A task counts the children it spawns (`unjoined`, a plain
// counter only it touches); a get() that runs its own child inline takes that child off the count;
// every other child counts itself, when it completes, in the parent's JoinState. All children are
// done when the two counts agree. The spawn and the inline get thus touch no shared memory.
#include <atomic>
#include <cstdint>
#include <exception>

#include "canopy/detail/frame.hpp"

namespace canopy::detail {

/// JoinState is a task's shared join record: made when a first child completes through the runtime
/// (or the task parks in a join), dropped at the task's next join.
struct JoinState {
  // Children completed since the last join. While the parent is parked in a join it holds
  // kJoinBias minus the number still running, so the child that brings it to kJoinBias is the last.
  std::atomic<std::uint64_t> finished{0};
  std::atomic<Frame*> failed{nullptr};  // children that failed, linked through next_failed
  void* waiter = nullptr;               // the parent's sched::Waiter while it is parked in a join
};

}  // namespace canopy::detail

namespace canopy::rt {

inline constexpr std::uint64_t kJoinBias = std::uint64_t{1} << 62;

/// child_finished counts a completed child in its parent's join record (a failed child is also
/// listed there, keeping its join reference) and resumes the parent when it waits for this one last.
/// Returns whether the child's join reference is still to be dropped.
bool child_finished(detail::Frame* child);
/// join_children waits until every child of `me` has completed and returns the first error nobody got,
/// with the later ones nested in it (a Cancelled child's error is not reported).
std::exception_ptr join_children(detail::Frame* me);
/// cancel_join_wait takes `me`'s parked join out of its waiting mode (deadlock recovery, nothing runs).
void cancel_join_wait(detail::Frame* me);
/// unfinished_children is how many children `me` waits for in a parked join (for messages).
std::uint32_t unfinished_children(const detail::Frame* me);

}  // namespace canopy::rt
