#pragma once
// The seed sweep: generate, evaluate serially, run on every runtime configuration, compare.
#include <cstdint>
#include <limits>
#include <string>

#include "program.hpp"

namespace stress {

struct SweepOptions {
  std::uint64_t first = 1;                                      // CANOPY_FIRST_SEED
  std::uint64_t count = std::numeric_limits<std::uint64_t>::max();  // CANOPY_SEEDS
  double seconds = 240;   // CANOPY_STRESS_SECONDS: no seed starts after this many seconds
  bool soak = false;      // CANOPY_SOAK=1: until killed (or a failure), progress every 10 s
  bool single = false;    // CANOPY_SEED=s: only seed s, printed, on every configuration
  int repeat = 1;         // CANOPY_STRESS_REPEAT: runs of each seed on each configuration
  Options gen;            // CANOPY_STRESS_MAX_PARKED
};

/// from_env applies the CANOPY_* variables above to `o`.
SweepOptions from_env(SweepOptions o);

struct SweepReport {
  bool passed = true;
  std::string failure;  // "seed N failed: ..." with the replay command
  std::string summary;  // seeds, runs per configuration, time
};

/// sweep runs the seeds `o` names; it stops at the first failure.
SweepReport sweep(const SweepOptions& o);

/// compare describes how `got` differs from `want`; empty when it does not.
std::string compare(const Program& p, const Result& want, const Result& got);

}  // namespace stress
