#pragma once
// Worker and Domain: the per-thread and per-socket state of the scheduler.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "scheduler.hpp"

namespace canopy::sched {

/// Worker is one pinned thread: its deque and frame cache (hot), its fibers, and its sleep state.
struct Worker {
  detail::WorkerHot hot;  // first member: the inline spawn path reaches it from a WorkerHot*
  Scheduler* sched = nullptr;
  int index = 0;
  int socket = 0;
  int index_in_socket = 0;
  WorkerSlot slot;
  Fiber thread_fiber;          // the OS thread's own stack, returned to at shutdown
  Fiber* fiber = nullptr;      // the fiber running now
  Fiber* free_fibers = nullptr;
  int free_fiber_count = 0;
  std::uint64_t rng = 0;
  std::thread thread;
  std::condition_variable wake_cv;  // waited on under Scheduler::sleep_mutex_
  bool notified = false;

  std::atomic<std::uint64_t> executed{0};
  std::atomic<std::uint64_t> steals_local{0};
  std::atomic<std::uint64_t> steals_remote{0};
  std::atomic<std::uint64_t> parks{0};

  std::uint32_t next_random() {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return static_cast<std::uint32_t>(rng >> 16);
  }
  void count(std::atomic<std::uint64_t>& c) { c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
};

/// Domain is one socket: its workers, its queue of submitted tasks and its queue of resumed fibers.
struct Scheduler::Domain {
  int socket = 0;
  std::vector<Worker*> workers;
  std::mutex mutex;
  std::deque<detail::Task*> submitted;
  std::deque<Fiber*> ready;
  std::atomic<int> submitted_count{0};
  std::atomic<int> ready_count{0};
};

}  // namespace canopy::sched
