// OpenMP n-queens: one `omp task` per free square but the last, a taskwait, per-child result slots.
#include <omp.h>

#include "harness/kernels.hpp"
#include "harness/small_array.hpp"
#include "nqueens/nqueens.hpp"

namespace bench {
namespace {

using nqueens::Board;

std::uint64_t solve(Board b, int n) {
  if (b.row == n) return 1;
  std::uint32_t free = nqueens::free_squares(b, n);
  if (free == 0) return 0;
  int k = nqueens::popcount(free);
  SmallArray<std::uint64_t, 16> counts(static_cast<std::size_t>(k - 1));
  std::uint64_t* slot = counts.data();
  for (int i = 0; i < k - 1; ++i) {
    std::uint32_t bit = free & -free;
    free ^= bit;
    Board c = nqueens::place(b, bit);
#pragma omp task firstprivate(slot, i, c, n) default(none)
    slot[i] = solve(c, n);
  }
  std::uint64_t total = solve(nqueens::place(b, free), n);
#pragma omp taskwait
  for (int i = 0; i < k - 1; ++i) total += slot[i];
  return total;
}

}  // namespace

std::uint64_t nqueens_omp(int n) {
  std::uint64_t r = 0;
#pragma omp parallel default(none) shared(r, n)
#pragma omp single
  r = solve(Board{0, 0, 0, 0}, n);
  return r;
}

}  // namespace bench
