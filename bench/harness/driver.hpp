// The benchmark loop: for each worker count, set every runtime up once; for each suite, one warm-up
// run per runtime, then `repeat` rounds in which every runtime runs once (run r of all runtimes
// before run r+1 of any), so slow drift of a shared machine hits all runtimes alike. A METG sweep
// (stencil, taskbench; sweep.hpp) is a series of such blocks, one per task size, at the largest
// worker count.
#pragma once

#include <vector>

#include "harness/options.hpp"
#include "harness/results.hpp"

namespace bench {

// Returns false when any run gave a wrong answer or failed; `blocks` gets every result either way.
bool run_benchmarks(const Options& o, std::vector<Block>& blocks);

}  // namespace bench
