#pragma once
// Failure and cancellation. An exception that escapes a task cancels its siblings that have not
// started: the parent's kChildrenCancelled bit, which every child reads when it starts (one load of
// its parent's frame), makes them complete at once with canopy::Cancelled. The bit lasts until the
// parent observes the failure (a get() that rethrows it, wait_all, its join); then its children not
// started yet stay cancelled (they were spawned before the parent's observed_failures count moved),
// and the children it spawns afterwards run.
// Future::cancel sets kCancelled and kChildrenCancelled on the task itself. Running tasks learn of it
// by polling ctx.cancelled(), which walks up the ancestors. A join reports the first real exception of
// its children with the later ones nested in it; Cancelled errors are consequences, never reported.
#include <exception>
#include <vector>

#include "canopy/detail/frame.hpp"

namespace canopy::rt {

/// is_cancelled_error says whether `f` ended with a canopy::Cancelled (never ran, or its body let one
/// escape): such an error is the consequence of another one, or of Future::cancel.
bool is_cancelled_error(const detail::Frame* f);
/// cancel_siblings cancels the siblings of `f` that have not started, when f's error is a real one.
void cancel_siblings(detail::Frame* f);
/// failure_observed is called when `me` observes a child's failure (a get that rethrows it, or a join):
/// its children not started by then are not run, and the children it spawns later run (unless `me`
/// itself is cancelled).
void failure_observed(detail::Frame* me);
/// combine_errors returns errors[0] with errors[1] nested in it, errors[2] nested in that, ... (see
/// docs/errors.md: the first exception's own type must be one that can be copied as such).
std::exception_ptr combine_errors(const std::vector<std::exception_ptr>& errors);

}  // namespace canopy::rt
