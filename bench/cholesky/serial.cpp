// The serial version, the test matrix and the checks.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "cholesky/cholesky.hpp"
#include "cholesky/kernels.hpp"
#include "spawn_deps/deps.hpp"

namespace bench::chol {
namespace {

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// A value in [-1, 1) from a hash.
double unit(std::uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-52 - 1.0; }

}  // namespace

std::vector<double> make_spd(long n, std::uint64_t seed) {
  std::vector<double> a(static_cast<std::size_t>(n * n));
  for (long i = 0; i < n; ++i) {
    for (long j = 0; j < i; ++j) {
      const double v = unit(splitmix(seed ^ static_cast<std::uint64_t>(i * n + j)));
      a[static_cast<std::size_t>(i * n + j)] = v;
      a[static_cast<std::size_t>(j * n + i)] = v;
    }
    // Row sums of |off-diagonal| < n: a diagonal of n + 1 makes it strictly diagonally dominant.
    a[static_cast<std::size_t>(i * n + i)] = static_cast<double>(n) + 1.0 +
                                             unit(splitmix(~seed ^ static_cast<std::uint64_t>(i)));
  }
  return a;
}

bool factor_serial(double* a, long n, long b) {
  const long nt = n / b;
  auto t = [&](long i, long j) { return a + i * b * n + j * b; };
  for (long k = 0; k < nt; ++k) {
    if (!potrf(t(k, k), n, b)) return false;
    for (long i = k + 1; i < nt; ++i) trsm(t(k, k), n, t(i, k), n, b, b);
    for (long i = k + 1; i < nt; ++i) {
      syrk(t(i, k), n, t(i, i), n, b, b);
      for (long j = k + 1; j < i; ++j) gemm(t(i, k), n, t(j, k), n, t(i, j), n, b, b, b);
    }
  }
  return true;
}

double time_serial(double* a, long n, long b) {
  const auto t0 = deps::Clock::now();
  if (!factor_serial(a, n, b)) throw std::runtime_error("serial: the matrix is not positive definite");
  return deps::seconds_since(t0);
}

double max_diff_lower(const double* x, const double* y, long n) {
  double m = 0;
  for (long i = 0; i < n; ++i)
    for (long j = 0; j <= i; ++j) {
      const double d = std::fabs(x[i * n + j] - y[i * n + j]);
      if (!(d <= m)) m = d;  // NaN wins
    }
  return m;
}

double residual_sampled(const double* l, const double* a, long n, int samples) {
  double amax = 0, worst = 0;
  for (long i = 0; i < n * n; ++i) amax = std::max(amax, std::fabs(a[i]));
  for (int s = 0; s < samples; ++s) {
    long i = static_cast<long>(splitmix(0x5eed + static_cast<std::uint64_t>(s)) % static_cast<std::uint64_t>(n));
    long j = static_cast<long>(splitmix(0xfeed + static_cast<std::uint64_t>(s)) % static_cast<std::uint64_t>(n));
    if (j > i) std::swap(i, j);
    if (s % 4 == 0) j = i;  // the diagonal too
    double sum = 0;
    for (long p = 0; p <= j; ++p) sum += l[i * n + p] * l[j * n + p];
    const double r = std::fabs(sum - a[i * n + j]) / amax;
    if (!(r <= worst)) worst = r;
  }
  return worst;
}

}  // namespace bench::chol
