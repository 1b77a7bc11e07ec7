#pragma once
// Transport: the seam between the runtime and the network. The runtime sends byte messages to ranks and
// registers handlers for what arrives; UCX (a plugin loaded only under a launcher) and an in-process
// loopback (several ranks in one process, for unit tests) implement it.
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace canopy::comm {

/// Bytes is one message, owned by whoever holds it.
using Bytes = std::vector<std::byte>;

/// TransportHandlers are called on the transport's progress thread. They must be short: decode, hand
/// real work to the scheduler, return.
struct TransportHandlers {
  /// on_message: a message from `peer`; `bytes` is valid only during the call. No order is promised
  /// between messages (a large one may overtake a small one sent before it).
  std::function<void(int peer, std::span<const std::byte> bytes)> on_message;
  /// on_peer_failure: `peer` died or became unreachable (called once per peer); `why` says how it was seen.
  std::function<void(int peer, const std::string& why)> on_peer_failure;
};

/// Transport connects this rank to every other rank of the job.
class Transport {
 public:
  virtual ~Transport() = default;
  /// rank is this process's rank, size the number of ranks in the job.
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// local_rank/local_size: this rank's index among the ranks on its node, and how many share the node.
  virtual int local_rank() const = 0;
  virtual int local_size() const = 0;
  /// description names the transport and what it runs over, for canopy-info ("ucx: tcp/lo, sysv").
  virtual std::string description() const = 0;
  /// start begins delivering messages to `handlers`; called once, before the first send.
  virtual void start(TransportHandlers handlers) = 0;
  /// send queues `bytes` for `peer` (any thread; never waits for the network). A message to oneself is
  /// delivered through on_message like any other. Sending to a failed peer drops the message.
  virtual void send(int peer, Bytes bytes) = 0;
  /// poll does the progress thread's work on the calling thread when no other thread is doing it (an
  /// idle worker calls it, so that an answer it waits for needs no wake-up): delivers what arrived,
  /// sends what is queued. True when it did anything; false at once before start() or when busy.
  virtual bool poll() { return false; }
  /// stop: every rank calls it once (collective); sends queued before it are delivered, then the
  /// progress thread stops and the endpoints close. Returns within a bounded time when peers died.
  virtual void stop() = 0;
};

/// LaunchInfo is what the launcher's environment says about this process, read without PMIx or UCX.
struct LaunchInfo {
  bool launched = false;  ///< started by mpirun/srun/prterun with PMIx in the environment
  int size = 1;           ///< ranks the launcher says the job has (from its environment; 1 if unknown)
};
/// launch_info reads PMIX_RANK / PMIX_NAMESPACE / OMPI_COMM_WORLD_SIZE and the like.
LaunchInfo launch_info();

/// open_launched_transport bootstraps this rank through PMIx and connects it over UCX (loading the
/// comm plugin); call only when launch_info().launched. Throws canopy::Error naming what failed
/// (no PMIx server, a binary that differs between ranks, UCX refusing to start).
std::unique_ptr<Transport> open_launched_transport();

/// make_loopback_transports makes `n` transports that connect n ranks inside this process.
std::vector<std::unique_ptr<Transport>> make_loopback_transports(int n);

}  // namespace canopy::comm
