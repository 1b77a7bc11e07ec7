// Serial matrix multiply (the same recursion as the parallel versions, no spawns), the inputs and the
// check against the serial result.
#include <cmath>
#include <map>
#include <memory>
#include <mutex>

#include "harness/kernels.hpp"
#include "matmul/matmul.hpp"

namespace bench {
namespace matmul {
namespace {

}  // namespace

void leaf(const Block& x) {
  for (int i = 0; i < x.m; ++i) {
    double* __restrict ci = x.c + static_cast<std::ptrdiff_t>(i) * x.ld;
    const double* ai = x.a + static_cast<std::ptrdiff_t>(i) * x.ld;
    for (int p = 0; p < x.k; ++p) {
      const double aip = ai[p];
      const double* __restrict bp = x.b + static_cast<std::ptrdiff_t>(p) * x.ld;
      for (int j = 0; j < x.n; ++j) ci[j] += aip * bp[j];
    }
  }
}

namespace {

template <bool kCount>
void rec(const Block& x, std::uint64_t* spawns) {
  const Split s = split_of(x);
  if (s == Split::none) return leaf(x);
  if constexpr (kCount) {
    if (s != Split::inner) ++*spawns;
  }
  rec<kCount>(first_half(x, s), spawns);
  rec<kCount>(second_half(x, s), spawns);
}

double fill(std::uint64_t& state) {
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return static_cast<double>(state >> 11) * 0x1.0p-52 - 1.0;  // [-1, 1)
}

}  // namespace

const Problem& problem(int n) {
  static std::mutex mu;
  static std::map<int, std::unique_ptr<Problem>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[n];
  if (!slot) {
    auto p = std::make_unique<Problem>();
    const std::size_t nn = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
    p->n = n;
    p->a.resize(nn);
    p->b.resize(nn);
    p->ref.assign(nn, 0.0);
    std::uint64_t state = 0x9e3779b97f4a7c15ull ^ static_cast<std::uint64_t>(n);
    for (double& v : p->a) v = fill(state);
    for (double& v : p->b) v = fill(state);
    rec<true>(Block{p->a.data(), p->b.data(), p->ref.data(), n, n, n, n}, &p->spawns);
    slot = std::move(p);
  }
  return *slot;
}

Check check(const Problem& p, const std::vector<double>& c) {
  Check out;
  // Every element is a sum of n products of terms in [-1, 1): allow rounding differences of a few
  // ulps of n, although all versions add in the same order.
  const double tol = 1e-12 * p.n;
  for (std::size_t i = 0; i < p.ref.size() && i < c.size(); ++i) {
    const double d = std::fabs(c[i] - p.ref[i]);
    if (d <= tol) ++out.matching;
    if (!(d <= out.max_abs_diff)) out.max_abs_diff = d;  // NaN sticks
  }
  return out;
}

}  // namespace matmul

void matmul_serial(const double* a, const double* b, double* c, int n) {
  matmul::rec<false>(matmul::Block{a, b, c, n, n, n, n}, nullptr);
}

}  // namespace bench
