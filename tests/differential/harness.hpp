#pragma once
// Running a differential program: on the serial reference, on the parallel runtime, and the
// comparison (with shrinking and a printable report when they differ).
#include <canopy/canopy.hpp>

#include <optional>
#include <string>
#include <vector>

#include "program.hpp"

namespace diff {

/// run_reference executes p serially, in program order; returns every region's final contents
/// (row-major, region after region) followed by the root's checksum.
std::vector<Elem> run_reference(const Program& p);
/// run_parallel executes p on rt; same result layout. Throws what the runtime throws.
std::vector<Elem> run_parallel(canopy::Runtime& rt, const Program& p);

/// compare runs p on rt `attempts` times against the reference; returns a description of the first
/// difference (or exception), or nothing when every run matched.
std::optional<std::string> compare(canopy::Runtime& rt, const Program& p, int attempts = 1);

/// check_seeds runs seeds [first, first + count) on a runtime of `workers` workers and returns, for
/// the first failing seed, a report: the seed, the difference, and the shrunk program. Empty when all pass.
std::string check_seeds(std::uint64_t first, std::uint64_t count, int workers, const GenOptions& options);

/// Watchdog aborts the process, printing `what`, when a run takes longer than `seconds`.
class Watchdog {
 public:
  Watchdog(double seconds, std::string what);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  struct State;
  State* state_;
};

/// env_u64 reads an unsigned environment variable, or `fallback`.
std::uint64_t env_u64(const char* name, std::uint64_t fallback);

}  // namespace diff
