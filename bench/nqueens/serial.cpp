// Serial n-queens; the counting variant also reports how many tasks the parallel versions spawn
// (every free square of a row but the last one tried), without slowing the timed variant down.
#include "harness/kernels.hpp"
#include "nqueens/nqueens.hpp"

namespace bench {
namespace {

using nqueens::Board;

template <bool kCount>
std::uint64_t solve(const Board& b, int n, std::uint64_t* spawns) {
  if (b.row == n) return 1;
  std::uint32_t free = nqueens::free_squares(b, n);
  if constexpr (kCount) {
    if (free != 0) *spawns += static_cast<std::uint64_t>(nqueens::popcount(free) - 1);
  }
  std::uint64_t total = 0;
  while (free != 0) {
    std::uint32_t bit = free & -free;
    free ^= bit;
    total += solve<kCount>(nqueens::place(b, bit), n, spawns);
  }
  return total;
}

}  // namespace

std::uint64_t nqueens_serial(int n) { return solve<false>(Board{0, 0, 0, 0}, n, nullptr); }

NQueensCount nqueens_reference(int n) {
  NQueensCount c;
  c.solutions = solve<true>(Board{0, 0, 0, 0}, n, &c.spawns);
  return c;
}

}  // namespace bench
