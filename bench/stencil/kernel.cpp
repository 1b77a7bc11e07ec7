// The stencil's compute kernel and the serial version (also the reference).
#include <chrono>

#include "stencil/stencil.hpp"

namespace bench::stencil {

double busy_work(std::uint64_t seed, long iterations) {
  double x[8];
  for (int k = 0; k < 8; ++k) x[k] = 1.0 + static_cast<double>((seed >> (8 * k)) & 255) * 1e-3;
  for (long it = 0; it < iterations; ++it)
    for (int k = 0; k < 8; ++k) x[k] = x[k] * 0.999999 + 1e-6;
  double s = 0;
  for (int k = 0; k < 8; ++k) s += x[k];
  return s;
}

double run_serial(long width, long steps, long iterations, std::vector<Cell>& final_row) {
  std::vector<Cell> cur(static_cast<std::size_t>(width)), next(cur.size());
  for (long i = 0; i < width; ++i) cur[static_cast<std::size_t>(i)] = Cell{initial(i), 0.0};
  const auto t0 = std::chrono::steady_clock::now();
  for (long t = 1; t <= steps; ++t) {
    for (long i = 0; i < width; ++i) {
      const long l = i > 0 ? i - 1 : 0, r = i + 1 < width ? i + 1 : width - 1;
      const auto at = [&](long j) -> const Cell& { return cur[static_cast<std::size_t>(j)]; };
      compute(at(l), at(i), at(r), next[static_cast<std::size_t>(i)], t, i, iterations);
    }
    cur.swap(next);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  final_row = std::move(cur);
  return seconds;
}

}  // namespace bench::stencil
