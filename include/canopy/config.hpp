#pragma once
// Config: the runtime's settings. Env vars (CANOPY_*) and --canopy:* flags override the fields.
#include <cstddef>
#include <string>

#include "canopy/export.hpp"

namespace canopy {

/// Config holds every runtime setting; `Runtime` applies env vars and flags on top of it.
struct Config {
  int workers = 0;               ///< CPU workers on this rank; 0 = one per core (CANOPY_WORKERS, --canopy:workers)
  std::string trace_path;        ///< Chrome-trace JSON of every task; empty = off (CANOPY_TRACE, --canopy:trace)
  std::string log_level = "warn";  ///< trace, debug, info, warn, error, off (CANOPY_LOG, --canopy:log)
  std::size_t stack_size = 8u << 20;  ///< bytes per fiber stack, guard page excluded (CANOPY_STACK_SIZE, --canopy:stack-size)
  std::string topology;          ///< hwloc synthetic description or XML file; empty = this machine (CANOPY_TOPOLOGY, --canopy:topology)
  bool pin_workers = true;       ///< bind each worker to its core (CANOPY_PIN, --canopy:pin)
  /// fibers (one per task parked at once, plus one per worker) that may exist; past it a wait throws
  /// canopy::Error (CANOPY_MAX_FIBERS, --canopy:max-fibers)
  std::size_t max_fibers = 1u << 18;
};

/// apply_env overrides `cfg` with the CANOPY_* environment variables; throws canopy::Error on bad values.
CANOPY_EXPORT Config apply_env(Config cfg);
/// apply_flags overrides `cfg` with --canopy:* flags and removes them from argc/argv.
CANOPY_EXPORT Config apply_flags(Config cfg, int& argc, char** argv);

}  // namespace canopy
