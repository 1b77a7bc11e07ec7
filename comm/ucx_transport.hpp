#pragma once
// Transport over UCX active messages, bootstrapped through PMIx: the implementation inside the comm
// plugin (libcanopy_comm.so), never linked into libcanopy.
#include <ucp/api/ucp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "comm/pmix_bootstrap.hpp"
#include "comm/transport.hpp"

namespace canopy::comm {

/// UcxTransport owns one UCP worker, driven by one progress thread that posts queued sends, runs the
/// active-message handlers and sleeps on the worker's event fd when idle. While it sleeps, an idle
/// worker thread may drive the UCP worker instead (poll(), and sends posted directly), so that a rank
/// waiting for an answer picks it up without a thread wake-up. Endpoints use peer error
/// handling, so a dead peer is reported through on_peer_failure instead of hanging the job.
class UcxTransport final : public Transport {
 public:
  /// Bootstraps through PMIx, starts UCX, exchanges worker addresses and program ids, and creates an
  /// endpoint to every peer. Throws canopy::Error naming the step that failed.
  UcxTransport();
  ~UcxTransport() override;

  int rank() const override { return boot_.rank(); }
  int size() const override { return boot_.size(); }
  int local_rank() const override { return boot_.local_rank(); }
  int local_size() const override { return boot_.local_size(); }
  std::string description() const override { return description_; }
  void start(TransportHandlers handlers) override;
  void send(int peer, Bytes bytes) override;
  bool poll() override;
  void stop() override;

 private:
  /// Peer is what the progress thread knows about one other rank; error callbacks get a pointer to it.
  struct Peer {
    UcxTransport* self = nullptr;
    int rank = 0;
    ucp_ep_h ep = nullptr;
    std::atomic<bool> failed{false};
    std::uint64_t sent = 0;                  ///< messages posted to it (progress thread only)
    std::atomic<std::uint64_t> received{0};  ///< messages from it that arrived whole (or failed to)
  };
  struct SendOp;
  struct RecvOp;

  void connect();
  void check_program_ids();
  struct Driving;
  void run();
  /// send_directly posts `bytes` on the calling thread when no other thread drives the worker; false
  /// (bytes untouched) when the caller must queue them for the progress thread.
  bool send_directly(int peer, Bytes& bytes);
  bool drain();
  void post(int peer, Bytes bytes);
  void deliver(int peer, const void* data, std::size_t len);
  /// wait_for_deliveries: until `expected[r]` messages came from each live rank r and our sends completed;
  /// false when `limit` passed first.
  bool wait_for_deliveries(const std::vector<std::uint64_t>& expected, std::chrono::steady_clock::duration limit);
  void close_endpoints();
  void close_failed();
  void flush_live_endpoints();
  void teardown();

  static ucs_status_t on_am(void* arg, const void* header, size_t header_length, void* data, size_t length,
                            const ucp_am_recv_param_t* param);
  static void on_ep_error(void* arg, ucp_ep_h ep, ucs_status_t status);
  static void on_send_done(void* request, ucs_status_t status, void* user_data);
  static void on_recv_done(void* request, ucs_status_t status, size_t length, void* user_data);

  PmixBootstrap boot_;
  ucp_context_h context_ = nullptr;
  ucp_worker_h worker_ = nullptr;
  int efd_ = -1;
  std::vector<std::unique_ptr<Peer>> peers_;
  std::string description_;
  TransportHandlers handlers_;
  std::thread thread_;

  std::mutex mu_;  // guards queue_, closing_, drained_
  std::condition_variable cv_;
  std::vector<std::pair<int, Bytes>> queue_;
  bool closing_ = false;  ///< stop() began: sends are dropped from now on
  bool drained_ = false;  ///< the progress thread posted everything queued before closing_
  std::atomic<bool> exit_{false};
  std::atomic<bool> quiet_{false};  ///< every message arrived: endpoint errors are peers shutting down
  std::atomic<int> inflight_{0};
  std::atomic<bool> flush_requested_{false}, flush_posted_{false};  ///< stop() after a peer failed
  bool closable_ = false;  ///< an endpoint failed and awaits closing (progress thread only)
  std::mutex progress_mu_;  // held by whichever thread drives the UCP worker (progress thread or poll)
  std::atomic<bool> delivering_{false};  ///< start() ran: handlers are set
  std::mutex stop_mu_;
  bool started_ = false, stopped_ = false;
};

}  // namespace canopy::comm
