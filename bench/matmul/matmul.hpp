// Recursive cache-oblivious matrix multiply C += A * B on n x n row-major matrices of doubles, shared
// by every runtime: a block is split in halves along its largest dimension until every dimension is
// at most kLeaf, then a small loop kernel runs. Splitting the rows (m) or the columns (n) of C gives two
// independent halves: the parallel versions spawn one and run the other themselves. Splitting the
// inner dimension (k) gives two halves that update the same block of C, so they run one after the
// other. Every version therefore adds the same products in the same order and gets bit-identical
// results; the check still allows a small tolerance.
#pragma once

#include <cstdint>
#include <vector>

namespace bench::matmul {

inline constexpr int kLeaf = 32;

// One block: C[m x n] += A[m x k] * B[k x n], all with leading dimension ld.
struct Block {
  const double* a;
  const double* b;
  double* c;
  int m, n, k, ld;
};

// The base case, a plain i-k-j loop. Defined once (serial.cpp), so that every runtime runs the same
// machine code: compiled into each runtime's file, it was vectorised differently under -fopenmp.
void leaf(const Block& x);

enum class Split { none, rows, cols, inner };

inline Split split_of(const Block& x) {
  if (x.m <= kLeaf && x.n <= kLeaf && x.k <= kLeaf) return Split::none;
  if (x.m >= x.n && x.m >= x.k) return Split::rows;
  if (x.n >= x.k) return Split::cols;
  return Split::inner;
}

// The two halves of a split (the first one is the one the parallel versions spawn).
inline Block first_half(const Block& x, Split s) {
  Block h = x;
  switch (s) {
    case Split::rows: h.m = x.m / 2; break;
    case Split::cols: h.n = x.n / 2; break;
    case Split::inner: h.k = x.k / 2; break;
    case Split::none: break;
  }
  return h;
}

inline Block second_half(const Block& x, Split s) {
  Block h = x;
  const std::ptrdiff_t ld = x.ld;
  switch (s) {
    case Split::rows: {
      const int m1 = x.m / 2;
      h.m = x.m - m1;
      h.a += m1 * ld;
      h.c += m1 * ld;
      break;
    }
    case Split::cols: {
      const int n1 = x.n / 2;
      h.n = x.n - n1;
      h.b += n1;
      h.c += n1;
      break;
    }
    case Split::inner: {
      const int k1 = x.k / 2;
      h.k = x.k - k1;
      h.a += k1;
      h.b += k1 * ld;
      break;
    }
    case Split::none: break;
  }
  return h;
}

// The inputs of size n (A and B filled with a fixed pseudo-random pattern in [-1, 1)) and the serial
// result, built on first use and kept for the rest of the process.
struct Problem {
  int n = 0;
  std::vector<double> a, b, ref;
  std::uint64_t spawns = 0;  // spawns of the parallel versions (one per row or column split)
};
const Problem& problem(int n);

// How many elements of `c` agree with the reference within the tolerance (the answer every version
// is checked on: n * n), and the largest absolute difference.
struct Check {
  std::uint64_t matching = 0;
  double max_abs_diff = 0;
};
Check check(const Problem& p, const std::vector<double>& c);

}  // namespace bench::matmul
