// Canopy n-queens: one spawn per free square but the last, which the parent explores directly; the
// children's counts come back through their futures.
#include "harness/canopy_kernels.hpp"
#include "harness/small_array.hpp"
#include "nqueens/nqueens.hpp"

namespace bench {
namespace {

using nqueens::Board;

std::uint64_t solve(canopy::Context& ctx, Board b, int n) {
  if (b.row == n) return 1;
  std::uint32_t free = nqueens::free_squares(b, n);
  if (free == 0) return 0;
  int k = nqueens::popcount(free);
  SmallArray<canopy::Future<std::uint64_t>, 16> kids(static_cast<std::size_t>(k - 1));
  for (int i = 0; i < k - 1; ++i) {
    std::uint32_t bit = free & -free;
    free ^= bit;
    kids[i] = ctx.spawn(solve, nqueens::place(b, bit), n);
  }
  std::uint64_t total = solve(ctx, nqueens::place(b, free), n);
  for (int i = 0; i < k - 1; ++i) total += kids[i].get();
  return total;
}

}  // namespace

std::uint64_t nqueens_canopy(canopy::Runtime& rt, int n) {
  return rt.run(solve, Board{0, 0, 0, 0}, n);
}

}  // namespace bench
