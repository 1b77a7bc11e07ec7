// The stencil's compute kernel and serial reference.
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

std::vector<std::uint64_t> reference_values(long width, long steps) {
  std::vector<std::uint64_t> cur(static_cast<std::size_t>(width)), next(cur.size());
  for (long i = 0; i < width; ++i) cur[static_cast<std::size_t>(i)] = initial(i);
  for (long t = 1; t <= steps; ++t) {
    for (long i = 0; i < width; ++i) {
      const long l = i > 0 ? i - 1 : 0, r = i + 1 < width ? i + 1 : width - 1;
      next[static_cast<std::size_t>(i)] = value(cur[static_cast<std::size_t>(l)], cur[static_cast<std::size_t>(i)],
                                                cur[static_cast<std::size_t>(r)], t, i);
    }
    cur.swap(next);
  }
  return cur;
}

}  // namespace bench::stencil
