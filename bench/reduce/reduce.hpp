// reduce: what a Sum reduction costs through layers of tasks that only pass it on, and many reducers
// that each touch one element of a large region. Like spawn-deps it keeps its own loop and table
// (time and peak RSS per figure do not fit canopy-bench's blocks); `canopy-bench --suite reduce`.
#pragma once

#include <vector>

namespace bench::reduce {

struct Options {
  std::vector<int> workers = {1, 2};
  int repeat = 5;                       // timed runs per figure, after one warm-up
  std::vector<int> layers = {0, 1, 2, 3};
  long elements = 8l << 20;             // the forwarded region: 8M doubles, 64 MiB
  long sparse_elements = 10000000;      // the sparse reducers' region
  long reducers = 10000;                // sparse reducer tasks, one element each
};

// Prints its table on stdout; false when an answer was wrong or a run failed (after saying so loudly).
bool run_reduce(const Options& o);

}  // namespace bench::reduce
