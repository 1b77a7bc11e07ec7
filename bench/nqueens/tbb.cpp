// oneTBB n-queens: a task_group per board, one task per free square but the last, which the parent
// explores itself; each child writes its count into its own slot.
#include <oneapi/tbb/task_group.h>

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
  tbb::task_group g;
  for (int i = 0; i < k - 1; ++i) {
    std::uint32_t bit = free & -free;
    free ^= bit;
    g.run([&counts, i, c = nqueens::place(b, bit), n] { counts[i] = solve(c, n); });
  }
  std::uint64_t total = solve(nqueens::place(b, free), n);  // `free` now holds the last square
  g.wait();
  for (int i = 0; i < k - 1; ++i) total += counts[i];
  return total;
}

}  // namespace

std::uint64_t nqueens_tbb(int n) { return solve(Board{0, 0, 0, 0}, n); }

}  // namespace bench
