// UcxTransport's progress thread: posting sends, receiving active messages, sleeping when idle.
#include <poll.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>

#include "comm/ucx_setup.hpp"
#include "comm/ucx_transport.hpp"

namespace canopy::comm {

namespace {

constexpr unsigned kAmId = 1;
// After the last activity the thread spins this long before sleeping: a reply to a message just sent
// usually comes back within it, and a 2-core node running several ranks cannot afford more.
constexpr auto kSpin = std::chrono::microseconds(50);
// Sleeping at most this long lets UCX's keepalive run even when nothing else happens (a dead peer on
// shared memory is only noticed by keepalive, which runs inside ucp_worker_progress).
constexpr int kSleepMs = 200;

}  // namespace

/// SendOp owns a message until UCX is done with it (header: the sender's rank).
struct UcxTransport::SendOp {
  UcxTransport* self;
  std::int32_t header;
  Bytes bytes;
};

/// RecvOp owns the buffer a rendezvous message is received into.
struct UcxTransport::RecvOp {
  UcxTransport* self;
  int peer;
  Bytes bytes;
};

/// Driving marks the thread that holds progress_mu_: a send from inside a handler it runs must not
/// re-enter UCX (nor try to lock the mutex it holds), so it queues instead.
thread_local const UcxTransport* tl_driving = nullptr;

struct UcxTransport::Driving {
  std::unique_lock<std::mutex> lock;
  explicit Driving(UcxTransport* t, bool wait) : lock(t->progress_mu_, std::defer_lock) {
    if (wait) lock.lock();
    else (void)lock.try_lock();
    if (lock.owns_lock()) tl_driving = t;
  }
  ~Driving() {
    if (lock.owns_lock()) tl_driving = nullptr;
  }
};

void UcxTransport::run() {
  auto last_activity = std::chrono::steady_clock::now();
  while (!exit_.load(std::memory_order_acquire)) {
    {
      Driving driving(this, true);
      bool active = drain();
      active |= ucp_worker_progress(worker_) != 0;
      if (flush_requested_.load(std::memory_order_acquire) && !flush_posted_.load(std::memory_order_relaxed)) {
        flush_live_endpoints();
        flush_posted_.store(true, std::memory_order_release);
      }
      if (closable_) {
        closable_ = false;
        close_failed();
      }
      auto now = std::chrono::steady_clock::now();
      if (active) {
        last_activity = now;
        continue;
      }
      if (now - last_activity < kSpin) continue;
      // Arm, then look once more: a send queued before arming consumed its wake-up signal in arm().
      ucs_status_t st = ucp_worker_arm(worker_);
      if (st == UCS_ERR_BUSY) continue;
      {
        std::lock_guard lock(mu_);
        if (!queue_.empty() || (closing_ && !drained_)) continue;
      }
    }
    if (exit_.load(std::memory_order_acquire)) break;
    // Asleep without the worker: an idle worker thread may drive it meanwhile (poll, send_directly).
    pollfd pfd{efd_, POLLIN, 0};
    ::poll(&pfd, 1, kSleepMs);
    last_activity = std::chrono::steady_clock::now();
  }
}

bool UcxTransport::poll() {
  if (!delivering_.load(std::memory_order_acquire) || exit_.load(std::memory_order_acquire) || tl_driving == this)
    return false;
  Driving driving(this, false);
  if (!driving.lock.owns_lock()) return false;
  bool active = drain();
  active |= ucp_worker_progress(worker_) != 0;
  if (inflight_.load(std::memory_order_relaxed) > 0) ucp_worker_signal(worker_);  // the progress thread finishes them
  return active;
}

bool UcxTransport::send_directly(int peer, Bytes& bytes) {
  if (!delivering_.load(std::memory_order_acquire) || tl_driving == this) return false;
  Driving driving(this, false);
  if (!driving.lock.owns_lock()) return false;
  {
    std::lock_guard lock(mu_);
    if (closing_) return true;  // dropped, as a queued send would be
  }
  post(peer, std::move(bytes));
  ucp_worker_progress(worker_);
  if (inflight_.load(std::memory_order_relaxed) > 0) ucp_worker_signal(worker_);
  return true;
}

bool UcxTransport::drain() {
  std::vector<std::pair<int, Bytes>> batch;
  bool closing = false;
  {
    std::lock_guard lock(mu_);
    batch.swap(queue_);
    closing = closing_ && !drained_;
  }
  for (auto& [peer, bytes] : batch) post(peer, std::move(bytes));
  if (closing) {
    std::lock_guard lock(mu_);
    drained_ = true;  // closing_ was set before this drain: nothing can have been queued since
    cv_.notify_all();
  }
  return !batch.empty();
}

void UcxTransport::post(int peer, Bytes bytes) {
  if (peer == rank()) {
    deliver(peer, bytes.data(), bytes.size());
    return;
  }
  Peer& p = *peers_[peer];
  if (p.failed.load(std::memory_order_relaxed)) return;
  auto* op = new SendOp{this, static_cast<std::int32_t>(rank()), std::move(bytes)};
  ucp_request_param_t param{};
  param.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
  param.cb.send = &UcxTransport::on_send_done;
  param.user_data = op;
  ucs_status_ptr_t req =
      ucp_am_send_nbx(p.ep, kAmId, &op->header, sizeof op->header, op->bytes.data(), op->bytes.size(), &param);
  if (UCS_PTR_IS_PTR(req)) {
    inflight_.fetch_add(1, std::memory_order_relaxed);
    ++p.sent;
    return;
  }
  if (!UCS_PTR_IS_ERR(req)) ++p.sent;  // completed at once; an error means the peer failed
  delete op;
}

void UcxTransport::on_send_done(void* request, ucs_status_t, void* user_data) {
  auto* op = static_cast<SendOp*>(user_data);
  op->self->inflight_.fetch_sub(1, std::memory_order_relaxed);
  delete op;
  ucp_request_free(request);
}

void UcxTransport::deliver(int peer, const void* data, std::size_t len) {
  if (handlers_.on_message) handlers_.on_message(peer, {static_cast<const std::byte*>(data), len});
}

ucs_status_t UcxTransport::on_am(void* arg, const void* header, size_t header_length, void* data, size_t length,
                                 const ucp_am_recv_param_t* param) {
  auto* self = static_cast<UcxTransport*>(arg);
  std::int32_t peer = -1;
  if (header_length == sizeof peer) std::memcpy(&peer, header, sizeof peer);
  if (peer < 0 || peer >= self->size() || peer == self->rank()) return UCS_OK;  // not ours: drop it
  Peer& p = *self->peers_[peer];
  if (!(param->recv_attr & UCP_AM_RECV_ATTR_FLAG_RNDV)) {
    self->deliver(peer, data, length);
    p.received.fetch_add(1, std::memory_order_release);
    return UCS_OK;
  }
  auto* op = new RecvOp{self, peer, Bytes(length)};
  ucp_request_param_t rp{};
  rp.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
  rp.cb.recv_am = &UcxTransport::on_recv_done;
  rp.user_data = op;
  ucs_status_ptr_t req = ucp_am_recv_data_nbx(self->worker_, data, op->bytes.data(), length, &rp);
  if (UCS_PTR_IS_PTR(req)) return UCS_OK;  // on_recv_done finishes it
  if (!UCS_PTR_IS_ERR(req)) self->deliver(peer, op->bytes.data(), op->bytes.size());
  p.received.fetch_add(1, std::memory_order_release);
  delete op;
  return UCS_OK;
}

void UcxTransport::on_recv_done(void* request, ucs_status_t status, size_t, void* user_data) {
  auto* op = static_cast<RecvOp*>(user_data);
  if (status == UCS_OK) op->self->deliver(op->peer, op->bytes.data(), op->bytes.size());
  op->self->peers_[op->peer]->received.fetch_add(1, std::memory_order_release);
  delete op;
  ucp_request_free(request);
}

// A completed eager send may still sit in UCX's buffers (tcp): flushing pushes it to the peer. Each
// flush counts as a send in flight until it completes.
void UcxTransport::flush_live_endpoints() {
  for (auto& p : peers_) {
    if (!p->ep || p->failed.load(std::memory_order_relaxed)) continue;
    ucp_request_param_t param{};
    param.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
    param.cb.send = [](void* request, ucs_status_t, void* user_data) {
      static_cast<UcxTransport*>(user_data)->inflight_.fetch_sub(1, std::memory_order_relaxed);
      ucp_request_free(request);
    };
    param.user_data = this;
    ucs_status_ptr_t req = ucp_ep_flush_nbx(p->ep, &param);
    if (UCS_PTR_IS_PTR(req)) inflight_.fetch_add(1, std::memory_order_relaxed);
  }
}

// A failed endpoint is closed at once (UCX asks for that), outside the callback: see close_failed().
void UcxTransport::close_failed() {
  for (auto& p : peers_) {
    if (!p->ep || !p->failed.load(std::memory_order_relaxed)) continue;
    ucp_request_param_t param{};
    param.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS;
    param.flags = UCP_EP_CLOSE_FLAG_FORCE;
    ucs_status_ptr_t req = ucp_ep_close_nbx(p->ep, &param);
    if (UCS_PTR_IS_PTR(req)) ucp_request_free(req);  // completes on its own; nothing waits for it
    p->ep = nullptr;
  }
}

void UcxTransport::on_ep_error(void* arg, ucp_ep_h, ucs_status_t status) {
  auto* p = static_cast<Peer*>(arg);
  if (p->failed.exchange(true)) return;
  UcxTransport* self = p->self;
  self->closable_ = true;
  if (self->quiet_.load() || !self->handlers_.on_peer_failure) return;
  self->handlers_.on_peer_failure(p->rank, std::string("UCX reported \"") + ucs_status_string(status) +
                                               "\" on the endpoint to rank " + std::to_string(p->rank));
}

}  // namespace canopy::comm
