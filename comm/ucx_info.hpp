#pragma once
// What UCX offers on this machine: its version and the transports (UCT resources) it can open.
#include <string>
#include <vector>

namespace canopy::comm {

/// UctResource is one transport on one device, as `ucx_info -d` lists it ("tcp" on "lo").
struct UctResource {
  std::string component;      // UCT component, e.g. "tcp", "self", "ib"
  std::string memory_domain;  // memory domain the transport belongs to, e.g. "tcp", "mlx5_0"
  std::string transport;      // e.g. "tcp", "sysv", "posix", "cma", "self", "rc_mlx5"
  std::string device;         // e.g. "lo", "eth0", "memory", "mlx5_0:1"
  std::string device_type;    // "net", "shm", "acc" or "self"
};

/// UcxInventory is the UCX library's version and every transport it can open; `error` is
/// non-empty when the query failed part way (the resources found so far are kept) or when UCX could
/// not be loaded at all (then `version` is empty too).
struct UcxInventory {
  std::string version;  // of the loaded libucp, e.g. "1.13.1"
  std::vector<UctResource> transports;
  std::string error;
};

/// ucx_api_version is the UCP API version of the headers Canopy was built with, e.g. "1.13".
std::string ucx_api_version();

/// ucx_inventory asks UCT for its components, opens each memory domain and lists its transports.
/// It opens no UCP context or worker, so it is cheap and safe to call before (or without) a Runtime.
/// UCX is loaded by the first call (see ucx_library.hpp), never by merely linking libcanopy.
UcxInventory ucx_inventory();

}  // namespace canopy::comm
