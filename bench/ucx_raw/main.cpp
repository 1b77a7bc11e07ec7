// canopy-bench-ucx-raw: what UCX itself gives between two ranks, the baseline for Canopy's transport.
// Run under `mpirun -np 2`: bootstraps with the transport's PMIx code and UCX settings (peer error
// handling, keepalive), then measures (a) an 8-byte active-message ping-pong (median round trip) and
// (b) a one-way stream of small active messages with a credit window (message rate). Both ranks
// busy-poll their worker on the main thread: no progress thread, no queue, nothing but UCX.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "canopy/errors.hpp"
#include "comm/pmix_bootstrap.hpp"
#include "comm/ucx_setup.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using canopy::Error;
using namespace canopy::comm;

constexpr unsigned kPing = 1, kData = 2, kCredit = 3;
constexpr long kPingIters = 100000, kPingWarmup = 10000;
constexpr long kStreamMsgs = 100000, kWindow = 1024;

/// Counters are what the active-message handlers bump; the loops below spin on them.
struct Counters {
  long pings = 0, data = 0, credits = 0;
};

ucs_status_t count(void* arg, const void*, size_t, void*, size_t, const ucp_am_recv_param_t*) {
  ++*static_cast<long*>(arg);
  return UCS_OK;
}

/// Raw holds one rank's UCP objects and its one endpoint to the other rank.
struct Raw {
  UcxSetup setup;
  ucp_worker_h worker = nullptr;
  ucp_ep_h ep = nullptr;
  Counters c;

  void handler(unsigned id, long* counter) {
    ucp_am_handler_param_t hp{};
    hp.field_mask = UCP_AM_HANDLER_PARAM_FIELD_ID | UCP_AM_HANDLER_PARAM_FIELD_CB | UCP_AM_HANDLER_PARAM_FIELD_ARG;
    hp.id = id;
    hp.cb = count;
    hp.arg = counter;
    if (ucs_status_t st = ucp_worker_set_am_recv_handler(worker, &hp); st != UCS_OK)
      throw Error(ucx_error("ucp_worker_set_am_recv_handler", "handlers", st));
  }
  /// send posts one 8-byte message and returns its request (or nullptr when done at once).
  void* send(unsigned id) {
    static std::uint64_t payload = 0;
    ucp_request_param_t p{};
    ucs_status_ptr_t r = ucp_am_send_nbx(ep, id, nullptr, 0, &payload, sizeof payload, &p);
    if (UCS_PTR_IS_ERR(r)) throw Error(ucx_error("ucp_am_send_nbx", "sending", UCS_PTR_STATUS(r)));
    return r;
  }
  void wait(void* r) {
    if (!UCS_PTR_IS_PTR(r)) return;  // done at once, or failed
    while (ucp_request_check_status(r) == UCS_INPROGRESS) ucp_worker_progress(worker);
    ucp_request_free(r);
  }
  void until(const long& counter, long n) {
    while (counter < n) ucp_worker_progress(worker);
  }
};

void connect(Raw& raw, PmixBootstrap& boot) {
  raw.setup = make_ucp_context(2);
  ucp_worker_params_t wp{};
  wp.field_mask = UCP_WORKER_PARAM_FIELD_THREAD_MODE;
  wp.thread_mode = UCS_THREAD_MODE_SINGLE;
  if (ucs_status_t st = ucp_worker_create(raw.setup.context, &wp, &raw.worker); st != UCS_OK)
    throw Error(ucx_error("ucp_worker_create", "worker", st));
  raw.handler(kPing, &raw.c.pings);
  raw.handler(kData, &raw.c.data);
  raw.handler(kCredit, &raw.c.credits);
  ucp_address_t* addr = nullptr;
  size_t len = 0;
  if (ucs_status_t st = ucp_worker_get_address(raw.worker, &addr, &len); st != UCS_OK)
    throw Error(ucx_error("ucp_worker_get_address", "address", st));
  boot.put("canopy.bench.address", addr, len);
  ucp_worker_release_address(raw.worker, addr);
  std::string why;
  if (!boot.commit_and_fence(true, 120, &why)) throw Error(why);
  std::vector<std::byte> peer = boot.get_bytes(1 - boot.rank(), "canopy.bench.address");
  ucp_ep_params_t ep{};
  ep.field_mask = UCP_EP_PARAM_FIELD_REMOTE_ADDRESS | UCP_EP_PARAM_FIELD_ERR_HANDLING_MODE;
  ep.address = reinterpret_cast<const ucp_address_t*>(peer.data());
  ep.err_mode = UCP_ERR_HANDLING_MODE_PEER;
  if (ucs_status_t st = ucp_ep_create(raw.worker, &ep, &raw.ep); st != UCS_OK)
    throw Error(ucx_error("ucp_ep_create", "endpoint", st));
}

double pingpong(Raw& raw, bool leader) {
  std::vector<double> rtt;
  rtt.reserve(kPingIters);
  for (long i = 0; i < kPingIters + kPingWarmup; ++i) {
    auto t0 = Clock::now();
    if (leader) raw.wait(raw.send(kPing));
    raw.until(raw.c.pings, i + 1);
    if (!leader) raw.wait(raw.send(kPing));
    if (i >= kPingWarmup) rtt.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  std::nth_element(rtt.begin(), rtt.begin() + rtt.size() / 2, rtt.end());
  return rtt[rtt.size() / 2];
}

/// stream: the leader sends kStreamMsgs messages, never more than kWindow ahead of the credits the
/// follower returns every kWindow/2 messages (and once more when all arrived). Returns M msg/s.
double stream(Raw& raw, bool leader) {
  constexpr long kCreditEvery = kWindow / 2, kCredits = kStreamMsgs / kCreditEvery + 1;
  auto t0 = Clock::now();
  if (leader) {
    std::vector<void*> pending;
    for (long i = 0; i < kStreamMsgs; ++i) {
      while (i - raw.c.credits * kCreditEvery >= kWindow) ucp_worker_progress(raw.worker);
      if (void* r = raw.send(kData); UCS_PTR_IS_PTR(r)) pending.push_back(r);
      if (pending.size() >= 64) {
        for (void* r : pending) raw.wait(r);
        pending.clear();
      }
    }
    for (void* r : pending) raw.wait(r);
    raw.until(raw.c.credits, kCredits);
  } else {
    for (long credit = 1; credit <= kCredits; ++credit) {
      raw.until(raw.c.data, std::min(credit * kCreditEvery, kStreamMsgs));
      raw.wait(raw.send(kCredit));
    }
  }
  double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return kStreamMsgs / s / 1e6;
}

}  // namespace

int main() {
  try {
    PmixBootstrap boot;
    if (boot.size() != 2) throw Error("run me with mpirun -np 2 (this job has " + std::to_string(boot.size()) + " ranks)");
    Raw raw;
    connect(raw, boot);
    bool leader = boot.rank() == 0;
    const char* tls = std::getenv("UCX_TLS");
    std::string lanes;
    for (const std::string& t : endpoint_transports(raw.ep)) lanes += (lanes.empty() ? "" : ", ") + t;
    double rtt = pingpong(raw, leader);
    double rate = stream(raw, leader);
    if (leader) {
      std::printf("ucx_raw am_pingpong 8 B: median round trip %.2f us over %ld iterations (UCX_TLS=%s; lanes %s)\n", rtt,
                  kPingIters, tls ? tls : "(unset)", lanes.c_str());
      std::printf("ucx_raw am_stream 8 B x %ld, window %ld: %.2f M msg/s (UCX_TLS=%s; lanes %s)\n", kStreamMsgs, kWindow,
                  rate, tls ? tls : "(unset)", lanes.c_str());
      for (const std::string& s : raw.setup.settings) std::printf("ucx_raw setting %s\n", s.c_str());
    }
    std::string why;
    boot.commit_and_fence(false, 60, &why);
    ucp_request_param_t cp{};
    cp.op_attr_mask = UCP_OP_ATTR_FIELD_FLAGS;
    cp.flags = UCP_EP_CLOSE_FLAG_FORCE;
    raw.wait(ucp_ep_close_nbx(raw.ep, &cp));
    ucp_worker_destroy(raw.worker);
    ucp_cleanup(raw.setup.context);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "canopy-bench-ucx-raw: %s\n", e.what());
    return 1;
  }
}
