// The parameters of the task-graph suites that the command line can set (--tile, --width, ...);
// zero or empty means the size's default (see graph_suites.cpp and sweep.cpp).
#pragma once

#include <vector>

#include "taskbench/taskbench.hpp"

namespace bench {

struct GraphParams {
  long tile = 0, leaf = 0;                   // cholesky: tile order; canopy-hier's largest leaf tile
  long width = 0;                            // stencil, taskbench: points per step
  double max_task_us = 0, min_task_us = 0;   // the sweep's task sizes, halving from max to min
  double target_ms = 0;                      // ideal duration of one run (steps follow from it)
  long max_tasks = 0;                        // but never more tasks than this per run
  std::vector<taskbench::Pattern> patterns;  // taskbench patterns (empty: all)
  std::vector<taskbench::Kernel> kernels;    // taskbench kernels (empty: all)
};

}  // namespace bench
