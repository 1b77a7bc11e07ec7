// State one iteration of the park benchmark shares between parent and child, and the bounded spin
// both sides use. The child announces that it runs (so the parent knows it was taken by another
// worker before it waits), then holds on until the parent is about to wait, so that the parent's
// get() really finds the future unready and parks.
#pragma once

#include <atomic>
#include <thread>

#include "harness/clock.hpp"

namespace bench::park {

struct Shared {
  std::atomic<bool> started{false};
  std::atomic<bool> go{false};
  std::atomic<bool> done{false};
  std::thread::id child_thread;  // written before `started` is released
};

// Spins until flag is set; false if that took longer than a few seconds (a runtime that never lets
// another worker take the child would otherwise hang the harness).
inline bool spin_until(const std::atomic<bool>& flag) {
  auto deadline = Clock::now() + std::chrono::seconds(5);
  for (unsigned i = 1;; ++i) {
    if (flag.load(std::memory_order_acquire)) return true;
    spin_pause();
    if (i % 4096 == 0 && Clock::now() > deadline) return false;
  }
}

}  // namespace bench::park
