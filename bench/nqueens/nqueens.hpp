// The n-queens search shared by every runtime: a board is three bitmasks (columns and both diagonals
// under attack in the current row), so a task's arguments are four integers, copied, never shared.
#pragma once

#include <cstdint>

namespace bench::nqueens {

struct Board {
  std::uint32_t cols, diag_l, diag_r;  // squares of the current row attacked along each line
  int row;
};

inline std::uint32_t free_squares(const Board& b, int n) {
  return ~(b.cols | b.diag_l | b.diag_r) & ((1u << n) - 1u);
}

// The board after placing a queen on `bit` (a single set bit) in the current row.
inline Board place(const Board& b, std::uint32_t bit) {
  return Board{b.cols | bit, (b.diag_l | bit) << 1, (b.diag_r | bit) >> 1, b.row + 1};
}

inline int popcount(std::uint32_t x) { return __builtin_popcount(x); }

}  // namespace bench::nqueens
