// The task-graph suites as the harness sees them: cholesky (tiled, data dependences), stencil and
// taskbench (one point of a METG sweep each). Their answers follow matmul's rule: the answer is how
// many results match the serial reference (every element of the factor's lower triangle; every
// task's value and kernel result), so a run is right when it matches all of them.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "harness/suite.hpp"
#include "stencil/stencil.hpp"

namespace bench {

// cholesky's input for size index 0..2 (small, medium, large); `n` overrides the matrix order.
Input cholesky_input(int size_index, std::optional<std::int64_t> n, const GraphParams& g);

// The reference of a task-graph suite: an untimed serial run (cholesky: checked on sampled entries of
// L L^T - A), kept for the samples that follow.
Reference graph_reference(SuiteId s, const Input& in);

// A runtime's versions of the task-graph suites, each timing its own run (task creation, execution
// and the final wait, not the setup); an empty member: no version.
struct GraphVersions {
  std::function<double(double* a, long n, long tile, long leaf)> cholesky;
  std::function<double(long width, long steps, long iterations, std::vector<stencil::Cell>& final_row)> stencil;
  std::function<double(const taskbench::Graph&, const taskbench::Work&, std::vector<stencil::Cell>& cells)> taskbench;
};

// One checked run of suite `s` on `in` by `v`: its inputs are set up before the clock starts and its
// results compared with the reference after it stops.
Sample graph_sample(SuiteId s, const Input& in, const GraphVersions& v);

}  // namespace bench
