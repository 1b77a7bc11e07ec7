// The sweeps' tables: a header when a sweep starts, one row per task size as it finishes (median
// time, granularity and efficiency of every runtime), METG(50%) when it ends, and a summary of every
// sweep of a suite.
#pragma once

#include <vector>

#include "harness/metg.hpp"
#include "harness/sweep.hpp"

namespace bench {

void print_sweep_header(const SweepSpec& spec, const Sweep& sweep, int workers);
// The row of the latest point of `blocks` (the sweep's blocks so far, largest task first).
void print_sweep_row(const std::vector<Block>& blocks, const std::vector<RuntimeId>& runtimes);
void print_sweep_end(const std::vector<Block>& blocks);
// METG(50%) of every sweep of suite `s` among `blocks`: one row per sweep, one column per runtime.
void print_metg_summary(SuiteId s, const std::vector<Block>& blocks);

}  // namespace bench
