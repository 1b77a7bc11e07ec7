#pragma once
// An asymmetric store-load fence: the frequent side (a push that then reads a sleeper hint) pays only
// a compiler barrier; the rare side (a worker about to sleep) makes every running thread of the
// process execute a full fence through membarrier(2), the pattern of folly's asymmetric barriers and
// of userspace RCU.

namespace canopy::sched {

/// enable_asymmetric_fence registers the process for expedited membarrier; false when the kernel (or
/// a seccomp filter) refuses, and heavy_fence then gives no guarantee about other threads.
bool enable_asymmetric_fence();

/// light_fence is the frequent side: it only keeps the compiler from reordering across it.
inline void light_fence() { __atomic_signal_fence(__ATOMIC_SEQ_CST); }

/// heavy_fence is the rare side: on return, every other thread's stores that preceded its last
/// light_fence are visible here, or its loads after that light_fence will see this thread's stores.
void heavy_fence();

}  // namespace canopy::sched
