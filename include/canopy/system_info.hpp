#pragma once
// SystemInfo: the Canopy build and the machine as the runtime sees it (what `canopy-info` prints).
#include <cstddef>
#include <string>
#include <vector>

#include "canopy/export.hpp"

namespace canopy {

/// SystemInfo describes this build of Canopy, its libraries, the topology, where workers would be
/// pinned, the GPUs and the UCX transports. Plain data: fill it with system_info(), print it with to_json().
struct SystemInfo {
  /// Dependency is one library Canopy uses: the version of its headers at build time and, when the
  /// library can be asked, the version loaded now (empty when it cannot say).
  struct Dependency {
    std::string name;     ///< "hwloc", "ucx", "boost", "spdlog", "fmt", "cuda_runtime", "cuda_driver"
    std::string build;    ///< e.g. "2.9.0"; for hwloc also its API version, "2.9.0 (API 2.8.0)"
    std::string runtime;  ///< e.g. "1.13.1"; hwloc reports only its API ("API 2.8.0"); "none" for a
                          ///< CUDA driver that is not installed; "" = the library cannot tell
  };
  /// Topology is what hwloc reports: the machine, a synthetic description or an XML file.
  struct Topology {
    std::string source;       ///< "this system", "synthetic" or "xml"
    std::string description;  ///< the synthetic description or XML path; empty for this system
    int sockets = 0;          ///< packages (the runtime's scheduling domains)
    int numa_nodes = 0;
    int cores = 0;
    int pus = 0;  ///< processing units (hardware threads)
    std::vector<int> cores_per_socket;
  };
  /// Worker is where one worker thread would run.
  struct Worker {
    int worker = 0;
    int socket = 0;     ///< package, 0-based
    int core = 0;       ///< logical core index across the machine
    int pu = 0;         ///< OS index of the PU it is pinned to
    int numa_node = 0;  ///< logical index of the NUMA node local to the core
  };
  /// Gpu is one CUDA device.
  struct Gpu {
    int index = 0;
    std::string name;                ///< e.g. "NVIDIA H200"
    std::size_t memory_bytes = 0;    ///< global memory
    std::string pci_bus_id;          ///< e.g. "0000:19:00.0"
    std::string compute_capability;  ///< e.g. "9.0"
  };
  /// Transport is one UCX transport on one device ("tcp" on "lo", "sysv" on "memory").
  struct Transport {
    std::string transport;
    std::string device;
    std::string type;           ///< "net", "shm", "acc" or "self"
    std::string memory_domain;  ///< UCX memory domain, e.g. "tcp", "mlx5_0"
  };

  std::string version;        ///< CANOPY_VERSION_STRING of the library
  std::string compiler;       ///< the compiler that built the library, e.g. "GCC 12.2.0"
  bool built_with_cuda = false;
  std::vector<Dependency> dependencies;
  Topology topology;
  std::vector<Worker> workers;  ///< the placement for the requested number of workers
  int gpu_count = 0;            ///< canopy::gpu_count()
  std::string gpu_status;       ///< canopy::gpu_status(): why gpu_count is what it is
  std::vector<Gpu> gpus;
  std::string ucx_version;      ///< of the loaded libucp
  std::vector<Transport> ucx_transports;
  std::string ucx_error;        ///< why the transport list is incomplete; empty when it is not
  /// Job is this process's place in its job (filled by whoever started a Runtime; canopy-info does).
  struct Job {
    int rank = 0;
    int ranks = 1;
    int workers = 0;                          ///< workers this rank runs (its share of the node's cores)
    std::string transport = "none (one rank)";  ///< Runtime::transport()
  };
  Job job;
};

/// system_info inspects the build and the machine. `topology` is a synthetic description or .xml file
/// (empty: CANOPY_TOPOLOGY, else this machine, where hwloc honours HWLOC_SYNTHETIC/HWLOC_XMLFILE);
/// `workers` is how many worker placements to compute (0: CANOPY_WORKERS, else one per core).
/// Throws canopy::Error for a topology hwloc cannot load or a worker count outside [0, 4096].
CANOPY_EXPORT SystemInfo system_info(const std::string& topology = "", int workers = 0);

/// to_json renders `info` as a JSON document with stable key names (see canopy-info --json).
CANOPY_EXPORT std::string to_json(const SystemInfo& info);

}  // namespace canopy
