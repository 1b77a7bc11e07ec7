// canopy-bench-deps: the benchmarks of data privileges and the dependence analyzer (spawn-deps,
// cholesky, stencil). This header holds what the three suites share: the options, the statistics and
// the loud failure; each suite lives in its own folder and is entered through run_<suite>().
//
// The suites do not fit canopy-bench's single-number model (one time and one exact integer answer per
// run): spawn-deps reports ns per spawn for several sibling counts, cholesky compares floating-point
// factors, stencil sweeps task sizes to find METG. So they have their own driver (driver.cpp), which
// canopy-bench can also enter as a subcommand: `canopy-bench deps [options]`.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bench::deps {

struct Options {
  std::vector<std::string> suites;    // spawn-deps, cholesky, stencil, taskbench (default: all)
  std::vector<std::string> runtimes;  // canopy, omp, starpu, serial (default: all built; each suite
                                      // runs those it has)
  int workers = 2;                    // cholesky and stencil (spawn-deps uses 1, see spawn_deps.cpp)
  int repeat = 5;                     // timed runs per figure, after one warm-up
  int settle_ms = 10;                 // pause between runs of different runtimes
  // spawn-deps
  std::vector<long> siblings = {10, 1000, 100000};
  long spawns = 100000;               // spawns timed per sample and sibling count (whole rounds)
  std::vector<std::string> variants;  // r+w, rw+shared, none, gated (default: all)
  long shared_max = 100000;           // largest sibling count for rw+shared and gated
  // cholesky
  long n = 1536;
  long tile = 128;
  long leaf = 64;                     // canopy-hier splits tiles larger than this inside the tasks
  // stencil
  long width = 0;                     // pieces per step (0 = the number of workers)
  double max_task_us = 200;           // sweep from this task size...
  double min_task_us = 0.25;          // ...down to this one, halving
  double target_ms = 10;              // ideal duration of one run (steps are chosen to match)
  long max_tasks = 10000;             // but never more tasks than this per run
  // taskbench (also uses the stencil options above; its width defaults to max(4, workers))
  std::vector<std::string> patterns;  // trivial, stencil_1d, tree, fft, all_to_all (default: all)
};

// Throws std::invalid_argument with a message fit for the user.
Options parse_options(int argc, char** argv);
const char* usage();
// The whole program: parse, run the suites, print; 0 on success, 1 when a check failed, 2 on bad usage.
int main(int argc, char** argv);

bool wants(const Options& o, const std::string& runtime);

// The suites: print their tables on stdout and progress on stderr; false when an answer was wrong or
// a runtime failed (after saying so loudly).
bool run_spawn_deps(const Options& o);
bool run_cholesky(const Options& o);
bool run_stencil(const Options& o);
bool run_taskbench(const Options& o);

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Stats {
  double median = 0, min = 0, max = 0;
  bool valid = false;
};
inline Stats stats_of(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  s.median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  s.min = v.front();
  s.max = v.back();
  s.valid = true;
  return s;
}

/// Metg is the smallest task granularity (us) seen at >= 50 % efficiency, and the one interpolated
/// (log scale) at the first crossing below 50 %; NaN when there is none.
struct Metg {
  double measured = NAN, interpolated = NAN;
};
/// metg_50 computes Metg from (granularity us, efficiency) samples ordered from the largest task to the smallest.
inline Metg metg_50(const std::vector<std::pair<double, double>>& samples) {
  Metg m;
  double prev_gran = NAN, prev_eff = NAN;
  for (const auto& [gran, eff] : samples) {
    if (eff >= 0.5) {
      if (!(gran >= m.measured)) m.measured = gran;
    } else if (std::isnan(m.interpolated) && prev_eff >= 0.5) {
      const double f = (prev_eff - 0.5) / (prev_eff - eff);
      m.interpolated = std::exp(std::log(prev_gran) + f * (std::log(gran) - std::log(prev_gran)));
    }
    prev_gran = gran;
    prev_eff = eff;
  }
  return m;
}

// Prints a framed error on stderr (so that it is seen among pages of figures).
void loud_error(const std::string& suite, const std::string& runtime, const std::string& what);
// printf into a std::string.
std::string fmt(const char* f, double v);
void settle(const Options& o);
// Throws when a runtime did not start the workers asked for (CANOPY_WORKERS overrides Config).
void check_workers(const char* runtime, int got, int want);

}  // namespace bench::deps
