// spawn-deps, and the clock that the task-graph suites' versions (cholesky, stencil, taskbench) time
// their runs with.
//
// spawn-deps reports ns per spawn for several sibling counts, which does not fit canopy-bench's blocks
// (one time and one exact answer per run), so it keeps its own loop and table (spawn_deps.cpp); the
// harness runs it for `canopy-bench --suite spawn-deps` and by default under `canopy-bench deps`.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace bench::deps {

struct Options {
  int workers = 2;                    // the gated variant runs when this is >= 2 (the rest on 1 worker)
  int repeat = 5;                     // timed runs per figure, after one warm-up
  std::vector<long> siblings = {10, 1000, 100000};
  long spawns = 100000;               // spawns timed per sample and sibling count (whole rounds)
  std::vector<std::string> variants;  // r+w, rw+shared, none, gated (default: all)
  long shared_max = 100000;           // largest sibling count for rw+shared and gated
};

// The spawn-deps variants' names, for the command line.
const std::vector<std::string>& variant_names();

// Prints its table on stdout and progress on stderr; false when an answer was wrong or a run failed
// (after saying so loudly).
bool run_spawn_deps(const Options& o);

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace bench::deps
