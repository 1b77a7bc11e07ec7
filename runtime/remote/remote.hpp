#pragma once
// Remote: this rank's side of a job with several ranks. It sends the children spawned on other ranks,
// runs the tasks other ranks send here, answers fetches of exported futures, ends runs, and turns a
// failed rank into RemoteError for everyone waiting on it.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "canopy/detail/remote.hpp"
#include "canopy/export.hpp"
#include "comm/message.hpp"
#include "comm/transport.hpp"

namespace canopy::sched {
class Scheduler;
}

namespace canopy::rt {

class Remote {
 public:
  explicit Remote(std::unique_ptr<comm::Transport> transport);
  ~Remote();
  Remote(const Remote&) = delete;
  Remote& operator=(const Remote&) = delete;

  int rank() const { return rank_; }
  int ranks() const { return ranks_; }
  int local_rank() const { return transport_->local_rank(); }
  int local_size() const { return transport_->local_size(); }
  std::string description() const { return transport_->description(); }

  /// start delivers messages to tasks run by `scheduler`; call once it runs.
  void start(sched::Scheduler& scheduler);
  /// poll handles what arrived on the calling (idle worker) thread; true when there was anything.
  bool poll() { return !closed_.load(std::memory_order_relaxed) && transport_->poll(); }
  /// close makes every later message a no-op, once the one being handled is done (before the scheduler
  /// that handlers feed goes away).
  void close();
  /// stop ends the transport (collective: every rank calls it once).
  void stop();

  void send_spawn(detail::Frame* parent, detail::Frame* child, int rank, const detail::RemoteTaskEntry* entry,
                  const void* function, std::vector<std::byte> args);
  detail::FutureRef export_future(detail::Frame* f);
  detail::Frame* import_future(detail::FutureRef ref, detail::Frame* proxy, const detail::ResultCodec* codec);

  /// end_run tells the other ranks that rank 0's root of the current run finished (rank 0 only).
  void end_run() noexcept;
  /// wait_run_end blocks (a plain thread) until rank 0 ends the next run; throws RemoteError when rank
  /// 0 failed instead.
  void wait_run_end();

 private:
  struct Pending {
    detail::Frame* frame = nullptr;
    int rank = 0;
    bool fetch = false;  // a fetched future (its table entry holds a handle), not a spawned child
  };
  friend struct IncomingTask;
  friend struct FetchJob;

  std::uint64_t next_id() { return (std::uint64_t(rank_) << 48) | ++sequence_; }
  void send(int peer, const comm::Message& m);
  /// await_answer records that `id` waits for an answer from p.rank; when that rank has failed it records
  /// nothing and returns why.
  std::string await_answer(std::uint64_t id, Pending p);
  void on_message(int peer, std::span<const std::byte> bytes);
  void on_peer_failure(int peer, const std::string& why);
  void on_spawn(int peer, const comm::SpawnMsg& m);
  void on_fetch(int peer, const comm::FetchMsg& m);
  /// settle completes the stand-in of a pending id with a result (bytes) or an error.
  void settle(std::uint64_t id, const std::span<const std::byte>* value, std::exception_ptr error);
  void finish(const Pending& p, std::exception_ptr error);
  void submit_detached(detail::Frame* f, std::uint32_t depth);

  sched::Scheduler* scheduler_ = nullptr;
  std::unique_ptr<comm::Transport> transport_;
  int rank_ = 0;
  int ranks_ = 1;
  std::atomic<std::uint64_t> sequence_{0};
  bool stopped_ = false;
  std::mutex handler_mutex_;  // held while a message is handled; close() takes it once
  std::atomic<bool> closed_{false};

  std::mutex mutex_;  // guards the tables, the failed ranks and the run counters
  std::unordered_map<std::uint64_t, Pending> pending_;
  std::unordered_map<std::uint64_t, detail::Frame*> exports_;
  std::vector<std::string> failed_;  // why each rank failed; empty while alive
  std::condition_variable run_cv_;
  std::uint64_t runs_ended_ = 0;     // RunEnd messages received (ranks other than 0)
  std::uint64_t runs_started_ = 0;   // runs this rank entered
  std::uint64_t runs_sent_ = 0;      // runs rank 0 ended

  std::unique_ptr<detail::Frame> sink_;  // the parent of tasks that run here for another rank
};

/// set_next_transport hands a transport to the next Runtime constructed on this thread (tests run
/// several ranks in one process over loopback transports this way).
CANOPY_EXPORT void set_next_transport(std::unique_ptr<comm::Transport> t);
/// take_next_transport is what set_next_transport left for this thread, or nullptr.
std::unique_ptr<comm::Transport> take_next_transport();
/// describe_exception names an exception's type and message for a RemoteFailure.
std::pair<std::string, std::string> describe_exception(std::exception_ptr e);

}  // namespace canopy::rt
