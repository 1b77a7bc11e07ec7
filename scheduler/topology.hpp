#pragma once
// Topology: what hwloc sees (packages, NUMA nodes, cores, PUs) and where the runtime pins its workers.
#include <memory>
#include <string>
#include <vector>

namespace canopy::sched {

/// WorkerSlot is where one worker thread lives: its socket domain, core and the PU it is pinned to.
struct WorkerSlot {
  int worker = 0;
  int socket = 0;       // index of the package (scheduling domain), 0-based
  int core = 0;         // logical index of the core across the machine
  int pu_os_index = 0;  // OS index of the PU the worker is bound to
  int numa_node = 0;    // logical index of the NUMA node local to that core
};

/// Topology wraps an hwloc topology: the real machine, an HWLOC_SYNTHETIC description or an XML file.
class Topology {
 public:
  /// discover loads the topology; `source` is a synthetic description ("package:2 core:4 pu:1"),
  /// an XML file path, or empty for this machine (hwloc itself honours HWLOC_SYNTHETIC/HWLOC_XMLFILE).
  static Topology discover(const std::string& source = "");
  Topology(Topology&&) noexcept;
  Topology& operator=(Topology&&) noexcept;
  ~Topology();

  int sockets() const;
  int numa_nodes() const;
  int cores() const;
  int pus() const;
  int cores_in_socket(int socket) const;
  /// is_this_system is false for synthetic or XML topologies, where binding threads is meaningless.
  bool is_this_system() const;
  /// source says where the topology came from: "this system", "synthetic: ..." or "xml: ...".
  const std::string& source() const;

  /// place_workers spreads n workers over the sockets in proportion to their cores, one per core
  /// first, then round-robin when n exceeds the cores (oversubscription). With share_count > 1 only
  /// the share_index-th of share_count equal runs of cores is used (ranks that share a node).
  std::vector<WorkerSlot> place_workers(int n, int share_index = 0, int share_count = 1) const;
  /// cores_in_share is how many cores the share_index-th of share_count runs holds (at least 1).
  int cores_in_share(int share_index, int share_count) const;
  /// bind_current_thread pins the calling thread to the slot's PU; false when binding is not possible.
  bool bind_current_thread(const WorkerSlot& slot) const;

  struct Impl;

 private:
  explicit Topology(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace canopy::sched
