// make_loopback_transports(): n ranks inside one process, for unit tests of what sits above Transport.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "canopy/errors.hpp"
#include "canopy/export.hpp"
#include "comm/transport.hpp"

namespace canopy::comm {

namespace {

class LoopbackRank;

/// Group is what the n ranks share: who is still alive to receive. Transports are destroyed in any
/// order, so a rank unregisters itself before its queue goes away.
struct Group {
  std::mutex mu;
  std::vector<LoopbackRank*> ranks;
};

/// LoopbackRank is one rank's transport: a queue of arriving messages and a thread that delivers them,
/// so that handlers run on a thread of their own as they do over UCX. Its stop() is not collective:
/// sends are synchronous here, so a rank that stops after its peers stopped sending misses nothing.
class LoopbackRank final : public Transport {
 public:
  LoopbackRank(int rank, int size, std::shared_ptr<Group> group) : rank_(rank), size_(size), group_(std::move(group)) {}
  ~LoopbackRank() override {
    {
      std::lock_guard lock(group_->mu);
      group_->ranks[rank_] = nullptr;
    }
    stop();
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return rank_; }
  int local_size() const override { return size_; }
  std::string description() const override { return "loopback (in-process)"; }

  void start(TransportHandlers handlers) override {
    std::lock_guard lock(mu_);
    if (started_) throw Error("Transport::start was called twice");
    handlers_ = std::move(handlers);
    started_ = true;
    thread_ = std::thread([this] { deliver(); });
  }

  void send(int peer, Bytes bytes) override {
    if (peer < 0 || peer >= size_)
      throw Error("send to rank " + std::to_string(peer) + " in a job of " + std::to_string(size_) + " ranks");
    std::lock_guard lock(group_->mu);
    if (LoopbackRank* to = group_->ranks[peer]) to->enqueue(rank_, std::move(bytes));
  }

  bool poll() override {
    std::unique_lock delivering(deliver_mu_, std::try_to_lock);
    if (!delivering.owns_lock()) return false;
    std::unique_lock lock(mu_);
    if (!started_ || queue_.empty()) return false;
    auto [from, bytes] = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    handlers_.on_message(from, bytes);
    return true;
  }

  void stop() override {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();  // stop() is called by one thread, once or more
  }

 private:
  void enqueue(int from, Bytes bytes) {
    std::lock_guard lock(mu_);
    if (closing_) return;  // arrived after this rank stopped: dropped, as a send to a dead rank is
    queue_.emplace_back(from, std::move(bytes));
    cv_.notify_all();
  }

  /// deliver runs on the rank's thread until stop(), then delivers what was queued before it.
  void deliver() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;
      lock.unlock();
      {
        // One message at a time, whether this thread or a polling worker delivers it.
        std::lock_guard delivering(deliver_mu_);
        lock.lock();
        if (queue_.empty()) continue;
        auto [from, bytes] = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        if (handlers_.on_message) handlers_.on_message(from, bytes);
      }
      lock.lock();
    }
  }

  const int rank_, size_;
  std::shared_ptr<Group> group_;
  std::mutex mu_;
  std::mutex deliver_mu_;  // held while a message is delivered (by the delivery thread or poll)
  std::condition_variable cv_;
  std::deque<std::pair<int, Bytes>> queue_;
  TransportHandlers handlers_;
  std::thread thread_;
  bool started_ = false, closing_ = false;
};

}  // namespace

CANOPY_EXPORT std::vector<std::unique_ptr<Transport>> make_loopback_transports(int n) {
  if (n < 1) throw Error("make_loopback_transports needs at least one rank, got " + std::to_string(n));
  auto group = std::make_shared<Group>();
  group->ranks.resize(n);
  std::vector<std::unique_ptr<Transport>> out;
  for (int r = 0; r < n; ++r) {
    auto t = std::make_unique<LoopbackRank>(r, n, group);
    group->ranks[r] = t.get();
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace canopy::comm
