#pragma once
// BlockingPool: spare threads that run the blocking sections of tasks (canopy::blocking), so that the
// workers keep running tasks meanwhile. It grows to as many threads as there are sections blocked at
// once, and threads idle for a while leave.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace canopy::sched {

/// BlockingJob is one section to run: call(arg), then done(done_arg) to hand the task back.
struct BlockingJob {
  void (*call)(void*);
  void* arg;
  void (*done)(void*);
  void* done_arg;
};

class BlockingPool {
 public:
  BlockingPool() = default;
  ~BlockingPool();
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  /// run hands `job` to an idle spare thread, or starts one; returns at once.
  void run(BlockingJob job);
  /// threads is how many spare threads exist now.
  std::size_t threads() const;

 private:
  void spare_main();

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;
  std::deque<BlockingJob> jobs_;
  std::vector<std::thread> started_;          // joined at the end, or once they have left
  std::vector<std::thread::id> left_;         // threads that lingered idle and returned
  std::size_t idle_ = 0;
  std::size_t alive_ = 0;
  bool stopping_ = false;
};

}  // namespace canopy::sched
