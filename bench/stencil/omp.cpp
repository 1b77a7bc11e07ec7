// OpenMP stencil_1d: the same graph with depend(in: three inputs) depend(out: the output), all
// T x W tasks created up front by one thread of the parallel region.
#include <omp.h>

#include "spawn_deps/deps.hpp"
#include "stencil/stencil.hpp"

namespace bench::stencil {

double run_omp(int workers, long width, long steps, long iterations, std::vector<Cell>& final_row) {
  omp_set_dynamic(0);
  omp_set_num_threads(workers);
  std::vector<Cell> buf[2];
  buf[0].resize(static_cast<std::size_t>(width));
  buf[1].resize(static_cast<std::size_t>(width));
  for (long i = 0; i < width; ++i) buf[0][static_cast<std::size_t>(i)] = Cell{initial(i), 0.0};
  Cell* b0 = buf[0].data();
  Cell* b1 = buf[1].data();

  const auto t0 = deps::Clock::now();
#pragma omp parallel
#pragma omp single
  {
    for (long t = 1; t <= steps; ++t) {
      Cell* in = (t - 1) % 2 ? b1 : b0;
      Cell* out = t % 2 ? b1 : b0;
      for (long i = 0; i < width; ++i) {
        const long l = i > 0 ? i - 1 : 0, r = i + 1 < width ? i + 1 : width - 1;
#pragma omp task depend(in : in[l], in[i], in[r]) depend(out : out[i]) firstprivate(in, out, l, i, r, t)
        compute(in[l], in[i], in[r], out[i], t, i, iterations);
      }
    }
  }
  const double seconds = deps::seconds_since(t0);
  final_row = buf[steps % 2];
  return seconds;
}

}  // namespace bench::stencil
