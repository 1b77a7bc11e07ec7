#pragma once
// Scheduler: one work-stealing domain per socket, one pinned worker thread per core, fibers that park
// and resume. It runs erased detail::Task records and knows nothing of frames, futures or regions.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "blocking_pool.hpp"
#include "canopy/detail/worker_hot.hpp"
#include "fiber.hpp"
#include "topology.hpp"

namespace canopy::sched {

class Scheduler;

/// Waiter is a parked fiber (or a blocked non-worker thread) waiting for something to resume it.
/// It lives on the waiting stack; whoever it waits on links it through `next`.
struct Waiter {
  Waiter* next = nullptr;
  Fiber* fiber = nullptr;         // nullptr: a blocked thread
  Scheduler* scheduler = nullptr;
  void* task = nullptr;           // the waiting task (for messages)
  void* target = nullptr;         // what it waits on (messages, deadlock recovery); nullptr: its children
  bool deadlocked = false;        // resumed by the deadlock detector, not by completion
  Waiter* reg_prev = nullptr;     // the scheduler's registry of parked waiters
  Waiter* reg_next = nullptr;
  // A blocked thread sleeps on these; notify happens under the mutex so the waiter may vanish after.
  std::mutex thread_mutex;
  std::condition_variable thread_cv;
  bool thread_woken = false;
};

/// SchedulerOptions: how many workers, where, with what stacks, and what to do on a deadlock.
struct SchedulerOptions {
  int workers = 0;                 // 0 = one per core
  std::size_t stack_size = 8u << 20;
  bool pin = true;
  std::string topology;            // synthetic description / XML; empty = this machine
  int rank = 0;
  /// Ranks on one node divide its cores: this rank uses the node_share_index-th of node_share_count
  /// equal runs of cores (and, with workers = 0, one worker per core of its run).
  int node_share_index = 0;
  int node_share_count = 1;
  void* runtime = nullptr;         // copied into every WorkerHot
  /// on_deadlock runs with every worker asleep; it must detach the waiters from what they wait on.
  std::function<void(std::vector<Waiter*>&)> on_deadlock;
  /// max_fibers caps the fibers (stacks) that exist at once: one per parked task, plus one per worker.
  std::size_t max_fibers = 1u << 18;
  /// idle_poll, when set, is called by idle workers before they sleep: it handles what arrived from
  /// other ranks on the calling worker (true when there was anything), so that a rank waiting for an
  /// answer picks it up without waking a thread.
  std::function<bool()> idle_poll;
  /// on_overflow names the overflowing task in the stack overflow report (signal context).
  OverflowReporter on_overflow = nullptr;
};

/// WorkerStats counts what one worker did; read them when the workers are quiet.
struct WorkerStats {
  std::uint64_t executed = 0;
  std::uint64_t steals_local = 0;
  std::uint64_t steals_remote = 0;
  std::uint64_t parks = 0;
  int socket = 0;
};

struct Worker;

class Scheduler {
 public:
  explicit Scheduler(SchedulerOptions opts);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  int workers() const { return static_cast<int>(workers_.size()); }
  int sockets() const { return static_cast<int>(domains_.size()); }
  /// workers_on is how many workers socket s has (0 when there are fewer workers than sockets).
  int workers_on(int socket) const;
  const Topology& topology() const { return topology_; }
  const std::vector<WorkerSlot>& placement() const { return slots_; }

  /// submit queues a task on a socket's shared queue (from any thread); socket -1 = socket 0.
  void submit(detail::Task* t, int socket);
  /// park suspends the calling task's fiber; on the next fiber commit(waiter, arg) registers the waiter
  /// with what it waits on, and a false return resumes it at once. Returns true once resumed, or false
  /// at once, with nothing registered, when no fiber can take over this worker (see fiber_limit).
  [[nodiscard]] static bool park(Waiter& w, bool (*commit)(Waiter&, void*), void* arg);
  /// help runs one task this worker may take (its own deque, its socket's queue, a steal) on the calling
  /// stack, for a wait that found no fiber to park on; false, after a short pause, when there was none.
  static bool help();
  /// run_blocking runs call(arg) on a spare thread while the calling task (`task`, for messages) parks;
  /// inline on a thread that is not a worker, or when no fiber is free to park on.
  static void run_blocking(void (*call)(void*), void* arg, void* task);
  /// block_thread is park for a non-worker thread: registers with commit and sleeps until resumed.
  static void block_thread(Waiter& w, bool (*commit)(Waiter&, void*), void* arg);
  /// resume makes a parked waiter runnable again (any thread); each waiter is resumed once.
  static void resume(Waiter& w);

  /// current is the worker of the calling thread, nullptr on other threads.
  static Worker* current();
  static detail::WorkerHot* current_hot();

  /// fiber_limit is how many fibers may exist at once: max_fibers, or less where each stack costs
  /// kernel mappings and vm.max_map_count would run out first (fiber_limit_by_maps then says so).
  std::size_t fiber_limit() const { return fiber_limit_; }
  bool fiber_limit_by_maps() const { return fiber_limit_by_maps_; }
  /// fibers is how many fibers exist now (running, parked or cached).
  std::size_t fibers() const { return live_fibers_.load(std::memory_order_relaxed); }

  WorkerStats stats(int worker) const;
  /// set_trace_buffer gives a worker its trace buffer; call before submitting the first task.
  void set_trace_buffer(int worker, void* buffer);
  /// external_begin/external_end bracket work finishing outside the workers (it keeps deadlock
  /// detection from firing while, say, a GPU stream or a remote rank still owes a completion).
  void external_begin() { external_.fetch_add(1, std::memory_order_relaxed); }
  void external_end() { external_.fetch_sub(1, std::memory_order_relaxed); }

  // Used by the worker loop (scheduler/worker_loop.cpp).
  struct Domain;
  void worker_main(Worker* w);
  static void loop_entry();
  detail::Task* find_work(Worker* w, bool cross_socket);
  Fiber* take_ready(Worker* w);
  void run_ready(Worker* w, Fiber* ready);
  /// take_fiber is a cached fiber or a new one; nullptr at the fiber limit (when `within_limit`) or
  /// when the kernel refuses.
  Fiber* take_fiber(Worker* w, bool within_limit = true);
  /// drop_fiber returns a fiber that is not running to w's cache, or its stack to the OS past the cache.
  void drop_fiber(Worker* w, Fiber* f);
  void idle(Worker* w);
  void push_ready(Fiber* f, bool wake);
  void start_blocking(BlockingJob job) { blocking_.run(job); }
  void wake_one(int prefer_socket);
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

 private:
  /// work_visible says whether w may find something to run: its socket's queues or any deque.
  bool work_visible(const Worker* w) const;
  /// publish_sleepers copies "someone sleeps" into every worker's hint (under sleep_mutex_), so
  /// that a spawn tests one byte of its own worker instead of a line every worker shares.
  void publish_sleepers();
  bool sleep(Worker* w, int timeout_us);
  void detect_deadlock(std::unique_lock<std::mutex>& held);
  void register_parked(Waiter& w);
  void unregister_parked(Waiter& w);

  SchedulerOptions opts_;
  Topology topology_;
  std::vector<WorkerSlot> slots_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::unique_ptr<Domain>> domains_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> external_{0};

  std::mutex sleep_mutex_;           // guards the sleeping list and the notified flags
  std::vector<Worker*> sleeping_;
  bool sleep_hints_ = false;         // what every worker's sleepers_waiting says (under sleep_mutex_)
  bool lossless_wake_ = false;       // membarrier works: no push can miss a sleeper, so sleeps are long

  std::mutex parked_mutex_;          // guards the registry of parked waiters
  Waiter* parked_head_ = nullptr;
  std::atomic<int> parked_{0};

  BlockingPool blocking_;            // spare threads for canopy::blocking sections

  std::mutex fibers_mutex_;          // guards the list of every fiber alive, freed with the scheduler
  Fiber* all_fibers_ = nullptr;
  std::vector<Stack> retired_stacks_;  // stacks past the caches, returned to the OS in batches
  std::atomic<std::size_t> live_fibers_{0};
  std::size_t fiber_limit_ = 0;
  bool fiber_limit_by_maps_ = false;
};

}  // namespace canopy::sched
