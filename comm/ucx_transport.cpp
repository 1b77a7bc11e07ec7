// UcxTransport: bootstrap, connection and the collective stop (the progress thread is in ucx_progress.cpp).
#include "comm/ucx_transport.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>

#include "canopy/errors.hpp"
#include "comm/build_id.hpp"
#include "comm/ucx_setup.hpp"

namespace canopy::comm {

namespace {

constexpr const char* kAddressKey = "canopy.ucx.address";
constexpr const char* kProgramKey = "canopy.program";
constexpr const char* kSentKey = "canopy.sent";
constexpr int kBootstrapFenceSeconds = 300;  // ranks of a loaded node may start minutes apart
constexpr int kStopFenceSeconds = 60;
constexpr auto kStopWait = std::chrono::seconds(60);

}  // namespace

UcxTransport::UcxTransport() {
  try {
    connect();
  } catch (...) {
    teardown();
    throw;
  }
}

UcxTransport::~UcxTransport() {
  try {
    stop();
  } catch (...) {
    // a destructor cannot report; stop() already bounded every wait
  }
}

void UcxTransport::connect() {
  UcxSetup setup = make_ucp_context(size());
  context_ = setup.context;
  ucp_worker_params_t wp{};
  wp.field_mask = UCP_WORKER_PARAM_FIELD_THREAD_MODE;
  // One thread at a time drives the worker (progress_mu_): the progress thread, or an idle worker in poll().
  wp.thread_mode = UCS_THREAD_MODE_SERIALIZED;
  ucs_status_t st = ucp_worker_create(context_, &wp, &worker_);
  if (st != UCS_OK) throw Error(ucx_error("ucp_worker_create", "starting the UCX worker", st));
  st = ucp_worker_get_efd(worker_, &efd_);
  if (st != UCS_OK) throw Error(ucx_error("ucp_worker_get_efd", "getting the worker's event fd", st));
  // The handler exists before any peer can know this worker's address.
  ucp_am_handler_param_t hp{};
  hp.field_mask = UCP_AM_HANDLER_PARAM_FIELD_ID | UCP_AM_HANDLER_PARAM_FIELD_CB | UCP_AM_HANDLER_PARAM_FIELD_ARG;
  hp.id = 1;
  hp.cb = &UcxTransport::on_am;
  hp.arg = this;
  st = ucp_worker_set_am_recv_handler(worker_, &hp);
  if (st != UCS_OK) throw Error(ucx_error("ucp_worker_set_am_recv_handler", "registering the message handler", st));

  ucp_address_t* address = nullptr;
  size_t address_len = 0;
  st = ucp_worker_get_address(worker_, &address, &address_len);
  if (st != UCS_OK) throw Error(ucx_error("ucp_worker_get_address", "reading this worker's address", st));
  boot_.put(kAddressKey, address, address_len);
  ucp_worker_release_address(worker_, address);
  boot_.put_u64(kProgramKey, program_id().hash);
  std::string why;
  if (!boot_.commit_and_fence(true, kBootstrapFenceSeconds, &why))
    throw Error("exchanging UCX addresses through PMIx: " + why);
  check_program_ids();

  std::vector<std::string> transports;
  for (int r = 0; r < size(); ++r) {
    auto peer = std::make_unique<Peer>();
    peer->self = this;
    peer->rank = r;
    if (r != rank()) {  // messages to oneself are handed over by the progress thread, not UCX
      std::vector<std::byte> addr = boot_.get_bytes(r, kAddressKey);
      ucp_ep_params_t ep{};
      ep.field_mask = UCP_EP_PARAM_FIELD_REMOTE_ADDRESS | UCP_EP_PARAM_FIELD_ERR_HANDLING_MODE |
                      UCP_EP_PARAM_FIELD_ERR_HANDLER;
      ep.address = reinterpret_cast<const ucp_address_t*>(addr.data());
      ep.err_mode = UCP_ERR_HANDLING_MODE_PEER;
      ep.err_handler.cb = &UcxTransport::on_ep_error;
      ep.err_handler.arg = peer.get();
      st = ucp_ep_create(worker_, &ep, &peer->ep);
      if (st != UCS_OK) {
        std::string step = "connecting to rank " + std::to_string(r);
        throw Error(ucx_error("ucp_ep_create", step.c_str(), st));
      }
      for (std::string& t : endpoint_transports(peer->ep)) {
        bool seen = false;
        for (const std::string& u : transports) seen = seen || u == t;
        if (!seen) transports.push_back(std::move(t));
      }
    }
    peers_.push_back(std::move(peer));
  }
  description_ = "ucx:";
  for (std::size_t i = 0; i < transports.size(); ++i) description_ += (i ? ", " : " ") + transports[i];
  if (transports.empty()) description_ += " (one rank, no peers)";
}

void UcxTransport::check_program_ids() {
  std::uint64_t first = boot_.get_u64(0, kProgramKey);
  for (int r = 1; r < size(); ++r) {
    std::uint64_t id = boot_.get_u64(r, kProgramKey);
    if (id != first)
      throw Error("rank " + std::to_string(r) + " runs a different binary (build id " + hex(id) + ") than rank 0 (" +
                  hex(first) + "): every rank must run the same executable");
  }
}

void UcxTransport::start(TransportHandlers handlers) {
  std::lock_guard lock(stop_mu_);
  if (started_) throw Error("Transport::start was called twice");
  if (stopped_) throw Error("Transport::start after stop");
  handlers_ = std::move(handlers);
  started_ = true;
  thread_ = std::thread([this] { run(); });
  delivering_.store(true, std::memory_order_release);
}

void UcxTransport::send(int peer, Bytes bytes) {
  if (peer < 0 || peer >= size())
    throw Error("send to rank " + std::to_string(peer) + " in a job of " + std::to_string(size()) + " ranks");
  if (peers_[peer]->failed.load(std::memory_order_relaxed)) return;
  if (send_directly(peer, bytes)) return;
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (closing_) return;
    wake = queue_.empty();  // a non-empty queue has already woken the progress thread
    queue_.emplace_back(peer, std::move(bytes));
  }
  if (wake) ucp_worker_signal(worker_);
}

// stop: (1) no more sends, the progress thread posts what was queued; (2) a fence that also tells every
// rank how many messages each peer sent it; (3) wait until all of them arrived and our sends completed;
// (4) a fence, after which endpoint errors are peers closing, not failing; (5) close everything.
// The progress thread keeps running through the fences: peers' rendezvous transfers need it.
void UcxTransport::stop() {
  std::lock_guard stop_lock(stop_mu_);
  if (stopped_ || !worker_) return;
  stopped_ = true;
  if (!started_) {
    started_ = true;  // still collective: the peers' fences need this rank
    thread_ = std::thread([this] { run(); });
  }
  std::unique_lock lock(mu_);
  closing_ = true;
  lock.unlock();
  ucp_worker_signal(worker_);
  lock.lock();
  cv_.wait_for(lock, kStopWait, [&] { return drained_; });
  lock.unlock();

  auto any_failed = [&] {
    for (auto& p : peers_)
      if (p->failed) return true;
    return false;
  };
  std::string why;
  if (!any_failed()) {
    std::vector<std::uint64_t> sent(size());
    for (int r = 0; r < size(); ++r) sent[r] = peers_[r]->sent;  // final: drained_ was seen under mu_
    try {
      boot_.put(kSentKey, sent.data(), sent.size() * sizeof(std::uint64_t));
      if (boot_.commit_and_fence(true, kStopFenceSeconds, &why)) {
        std::vector<std::uint64_t> expected(size());
        for (int r = 0; r < size(); ++r) {
          if (r == rank()) continue;
          std::vector<std::byte> theirs = boot_.get_bytes(r, kSentKey);
          if (theirs.size() == sent.size() * sizeof(std::uint64_t))
            std::memcpy(&expected[r], theirs.data() + rank() * sizeof(std::uint64_t), sizeof(std::uint64_t));
        }
        if (!wait_for_deliveries(expected, kStopWait)) why = "messages still missing after " + std::to_string(kStopWait.count()) + " s";
        quiet_ = true;
        boot_.commit_and_fence(false, kStopFenceSeconds, &why);
      }
    } catch (const std::exception& e) {
      why = e.what();
    }
  } else {
    // No collective with a dead rank: let our own sends finish, and take the other survivors' exits
    // for what they are from now on.
    quiet_ = true;
    flush_requested_ = true;
    ucp_worker_signal(worker_);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!flush_posted_ && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    if (!wait_for_deliveries({}, std::chrono::seconds(5)))
      why = std::to_string(inflight_.load()) + " sends still in flight after a peer failed; dropped";
  }
  quiet_ = true;
  exit_ = true;
  ucp_worker_signal(worker_);
  if (thread_.joinable()) thread_.join();
  if (!why.empty()) std::fprintf(stderr, "canopy comm: rank %d: stop: %s\n", rank(), why.c_str());
  teardown();
}

bool UcxTransport::wait_for_deliveries(const std::vector<std::uint64_t>& expected,
                                       std::chrono::steady_clock::duration limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    bool done = inflight_.load() == 0;
    for (std::size_t r = 0; done && r < expected.size(); ++r)
      done = peers_[r]->failed || peers_[r]->received.load() >= expected[r];
    if (done) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

void UcxTransport::close_endpoints() {
  // After the last fence nothing is in flight: a forced close sends nothing and waits for no one.
  std::vector<ucs_status_ptr_t> pending;
  for (auto& p : peers_) {
    if (!p->ep) continue;
    ucp_request_param_t param{};
    param.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS;
    param.flags = UCP_EP_CLOSE_FLAG_FORCE;
    ucs_status_ptr_t req = ucp_ep_close_nbx(p->ep, &param);
    if (UCS_PTR_IS_PTR(req)) pending.push_back(req);
    p->ep = nullptr;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (ucs_status_ptr_t req : pending) {
    while (ucp_request_check_status(req) == UCS_INPROGRESS && std::chrono::steady_clock::now() < deadline)
      ucp_worker_progress(worker_);
    ucp_request_free(req);
  }
}

void UcxTransport::teardown() {
  if (worker_) {
    close_endpoints();
    ucp_worker_destroy(worker_);
    worker_ = nullptr;
  }
  if (context_) {
    ucp_cleanup(context_);
    context_ = nullptr;
  }
  boot_.finalize();
}

}  // namespace canopy::comm
