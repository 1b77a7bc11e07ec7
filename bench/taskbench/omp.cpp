// OpenMP taskbench: the same graph, one buffer row per step, with depend(iterator(...), in: ...) on
// the points deps(t, i) of row t-1 and depend(out: ...) on point i of row t; every task is created
// up front by one thread of the parallel region.
#include <omp.h>

#include "spawn_deps/deps.hpp"
#include "taskbench/taskbench.hpp"

namespace bench::taskbench {

double run_omp(int workers, const Graph& g, const Work& work, std::vector<Cell>& cells) {
  omp_set_dynamic(0);
  omp_set_num_threads(workers);
  const long w = g.width;
  cells.assign(static_cast<std::size_t>(w * (g.steps + 1)), Cell{});
  for (long i = 0; i < w; ++i) cells[static_cast<std::size_t>(i)] = Cell{stencil::initial(i), 0.0};
  Cell* buf = cells.data();
  const Work kernel = work;  // a plain object for firstprivate, which copies it into every task

  const auto t0 = deps::Clock::now();
#pragma omp parallel
#pragma omp single
  {
    for (long t = 1; t <= g.steps; ++t) {
      Cell* prev = buf + (t - 1) * w;
      Cell* out = buf + t * w;
      for (long i = 0; i < g.points_at(t); ++i) {
        long d[kMaxWidth];
        const int k = g.deps(t, i, d);
#pragma omp task depend(iterator(j = 0 : k), in : prev[d[j]]) depend(out : out[i]) \
    firstprivate(prev, out, d, k, i, t, kernel)
        {
          std::uint64_t v[kMaxWidth];
          for (int j = 0; j < k; ++j) v[j] = prev[d[j]].v;
          out[i].v = task_value(v, k, t, i);
          out[i].busy = kernel(out[i].v, t, i);
        }
      }
    }
  }
  return deps::seconds_since(t0);
}

}  // namespace bench::taskbench
