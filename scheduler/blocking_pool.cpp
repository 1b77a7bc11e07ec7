#include "blocking_pool.hpp"

#include <chrono>

namespace canopy::sched {

namespace {
// A spare thread waits this long for the next section before it leaves: a burst of I/O reuses threads,
// an idle program keeps none.
constexpr std::chrono::seconds kIdleLinger{2};
}  // namespace

BlockingPool::~BlockingPool() {
  {
    std::lock_guard<std::mutex> lk(mutex_);
    stopping_ = true;
    work_cv_.notify_all();
  }
  for (std::thread& t : started_) t.join();
}

void BlockingPool::run(BlockingJob job) {
  std::lock_guard<std::mutex> lk(mutex_);
  jobs_.push_back(job);
  if (idle_ >= jobs_.size()) {
    work_cv_.notify_one();
    return;
  }
  // A thread that left keeps its stack until joined; it has returned, so the join is immediate.
  for (std::thread::id id : left_) {
    for (auto it = started_.begin(); it != started_.end(); ++it) {
      if (it->get_id() != id) continue;
      it->join();
      started_.erase(it);
      break;
    }
  }
  left_.clear();
  ++alive_;
  started_.emplace_back(&BlockingPool::spare_main, this);
}

std::size_t BlockingPool::threads() const {
  std::lock_guard<std::mutex> lk(mutex_);
  return alive_;
}

void BlockingPool::spare_main() {
  std::unique_lock<std::mutex> lk(mutex_);
  for (;;) {
    if (jobs_.empty()) {
      ++idle_;
      bool woke = work_cv_.wait_for(lk, kIdleLinger, [&] { return !jobs_.empty() || stopping_; });
      --idle_;
      if (!woke || jobs_.empty()) break;  // lingered long enough, or the pool is closing
    }
    BlockingJob job = jobs_.front();
    jobs_.pop_front();
    lk.unlock();
    job.call(job.arg);
    job.done(job.done_arg);
    lk.lock();
  }
  --alive_;
  if (!stopping_) left_.push_back(std::this_thread::get_id());
}

}  // namespace canopy::sched
