// METG(50%), Task Bench's figure (Slaughter et al., "Task Bench", SC'20): the minimum effective task
// granularity, the smallest task size at which a runtime still keeps 50 % of the machine's peak.
//   granularity = wall time x workers / tasks                      (us per task, as Task Bench)
//   efficiency  = ideal time / wall time, ideal = tasks x iterations x rate / workers,
// where `rate` (seconds per kernel iteration on one core) is the fastest run of any runtime at the
// sweep's largest task size, on the same worker count: for the memory kernel that is the bandwidth the
// workers get together, which one core alone would overstate.
#pragma once

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "harness/results.hpp"

namespace bench {

/// Metg is the smallest granularity (us) measured at >= 50 % efficiency, and the one interpolated
/// (log-linear in granularity) where the sweep first crosses below 50 %; NaN when there is none.
struct Metg {
  double measured = NAN, interpolated = NAN;
};
/// metg_50 computes Metg from (granularity us, efficiency) pairs ordered from the largest task to the
/// smallest.
Metg metg_50(const std::vector<std::pair<double, double>>& samples);

struct CurvePoint {
  long iterations = 0;
  double tasks = 0;
  double granularity_us = 0, efficiency = 0;            // from the median run
  double best_granularity_us = 0, best_efficiency = 0;  // from the fastest run
};

/// One runtime's efficiency against task granularity over one sweep.
struct MetgCurve {
  SuiteId suite = SuiteId::taskbench;
  std::string sweep;  // e.g. "stencil_1d/memory"
  long width = 0;
  int workers = 0;
  RuntimeId runtime = RuntimeId::canopy;
  double rate = NAN;                // seconds per iteration on one core, the sweep's peak
  std::vector<CurvePoint> points;   // largest task first; only the sizes the runtime ran
  Metg median, fastest;             // METG from the medians (the figure to quote) and the fastest runs
  bool failed = false;              // a wrong answer or an error at some size: no METG
};

/// The curves of every sweep among `blocks` (the blocks whose input has a sweep name), grouped by
/// suite, sweep and worker count, in the order the sweeps ran.
std::vector<MetgCurve> metg_curves(const std::vector<Block>& blocks);

}  // namespace bench
