// The tile kernels of the Cholesky benchmark, written once and called by every version (serial,
// Canopy, OpenMP, StarPU), so that the versions differ only in how they schedule the same calls.
//
// Storage is row-major: element (r, c) of a block that starts at p with leading dimension ld is
// p[r * ld + c]. A tile is a block of the n x n matrix (ld = n); a sub-tile is a block of a tile.
//
// The kernels are plain C++ (no BLAS). Each is compiled twice through GCC's target_clones: once for
// x86-64-v3 (AVX2 + FMA) and once for the baseline, and the loader picks the one this CPU runs, so
// the binary stays portable. Inner loops work on 4 doubles at a time with GCC vector types; every
// element's sum is accumulated in one fixed order, so the results do not depend on how the work was
// scheduled, only on the block shapes (the hierarchical Canopy version splits tiles into sub-tiles,
// which changes nothing in GEMM and TRSM sums and only the blocking of SYRK; see check_factor).
#pragma once

#include <cmath>
#include <cstring>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CHOL_KERNEL __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CHOL_KERNEL
#endif

// The 4-double helpers below pass vectors by value; they are always inlined, so the baseline build's
// note that such values would change the ABI without AVX does not apply.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace bench::chol {

typedef double v4d __attribute__((vector_size(32)));

[[gnu::always_inline]] inline v4d load4(const double* p) {
  v4d v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline void store4(double* p, v4d v) { std::memcpy(p, &v, sizeof v); }
[[gnu::always_inline]] inline double hsum(v4d v) { return (v[0] + v[1]) + (v[2] + v[3]); }

/// dot4 is the dot product of x[0, n) and y[0, n), four lanes then a scalar tail.
inline double dot4(const double* x, const double* y, long n) {
  v4d acc = {0, 0, 0, 0};
  long p = 0;
  for (; p + 4 <= n; p += 4) acc += load4(x + p) * load4(y + p);
  double s = hsum(acc);
  for (; p < n; ++p) s += x[p] * y[p];
  return s;
}

/// pack_rows4 copies rows [0, n) of B (n x k, leading dimension ldb) into panels of 4 rows stored
/// k-major: panel j (rows 4j..4j+3) holds B[4j+c][kk] at out[(j * k + kk) * 4 + c]. Missing rows of
/// the last panel are zero.
inline void pack_rows4(const double* b, long ldb, long n, long k, std::vector<double>& out) {
  const long panels = (n + 3) / 4;
  out.resize(static_cast<std::size_t>(panels * k * 4));
  for (long j = 0; j < panels; ++j) {
    double* dst = out.data() + j * k * 4;
    for (long c = 0; c < 4; ++c) {
      const long row = 4 * j + c;
      if (row < n) {
        const double* src = b + row * ldb;
        for (long kk = 0; kk < k; ++kk) dst[kk * 4 + c] = src[kk];
      } else {
        for (long kk = 0; kk < k; ++kk) dst[kk * 4 + c] = 0.0;
      }
    }
  }
}

/// block4 computes acc[r] = sum_kk A[i+r][kk] * Bpanel[kk][0..4) for rows < rows (<= 4).
inline void block4(const double* a, long lda, const double* panel, long k, long rows, v4d acc[4]) {
  for (int r = 0; r < 4; ++r) acc[r] = v4d{0, 0, 0, 0};
  if (rows == 4) {
    const double* a0 = a;
    const double* a1 = a + lda;
    const double* a2 = a + 2 * lda;
    const double* a3 = a + 3 * lda;
    for (long kk = 0; kk < k; ++kk) {
      const v4d bv = load4(panel + kk * 4);
      acc[0] += a0[kk] * bv;
      acc[1] += a1[kk] * bv;
      acc[2] += a2[kk] * bv;
      acc[3] += a3[kk] * bv;
    }
  } else {
    for (long r = 0; r < rows; ++r)
      for (long kk = 0; kk < k; ++kk) acc[r] += a[r * lda + kk] * load4(panel + kk * 4);
  }
}

/// gemm: C := C - A * B^T, with C m x n, A m x k, B n x k.
CHOL_KERNEL inline void gemm(const double* a, long lda, const double* b, long ldb, double* c, long ldc, long m,
                             long n, long k) {
  thread_local std::vector<double> packed;
  pack_rows4(b, ldb, n, k, packed);
  for (long i = 0; i < m; i += 4) {
    const long rows = m - i < 4 ? m - i : 4;
    for (long j = 0; j < n; j += 4) {
      v4d acc[4];
      block4(a + i * lda, lda, packed.data() + (j / 4) * k * 4, k, rows, acc);
      const long cols = n - j < 4 ? n - j : 4;
      for (long r = 0; r < rows; ++r) {
        double* crow = c + (i + r) * ldc + j;
        if (cols == 4) store4(crow, load4(crow) - acc[r]);
        else
          for (long q = 0; q < cols; ++q) crow[q] -= acc[r][q];
      }
    }
  }
}

/// syrk: C := C - A * A^T on the lower triangle of C (n x n, diagonal included); A is n x k.
/// The strictly upper triangle of C is left untouched.
CHOL_KERNEL inline void syrk(const double* a, long lda, double* c, long ldc, long n, long k) {
  thread_local std::vector<double> packed;
  pack_rows4(a, lda, n, k, packed);
  for (long i = 0; i < n; i += 4) {
    const long rows = n - i < 4 ? n - i : 4;
    for (long j = 0; j <= i; j += 4) {
      v4d acc[4];
      block4(a + i * lda, lda, packed.data() + (j / 4) * k * 4, k, rows, acc);
      const long cols = n - j < 4 ? n - j : 4;
      for (long r = 0; r < rows; ++r) {
        double* crow = c + (i + r) * ldc + j;
        for (long q = 0; q < cols; ++q)
          if (j + q <= i + r) crow[q] -= acc[r][q];
      }
    }
  }
}

/// trsm: B := B * L^-T, with L n x n lower triangular (its upper triangle is not read) and B m x n:
/// each row x of the result solves x L^T = b, i.e. x[j] = (b[j] - x[0..j) . L[j][0..j)) / L[j][j].
/// Rows are independent.
CHOL_KERNEL inline void trsm(const double* l, long ldl, double* b, long ldb, long m, long n) {
  for (long r = 0; r < m; ++r) {
    double* x = b + r * ldb;
    for (long j = 0; j < n; ++j) x[j] = (x[j] - dot4(x, l + j * ldl, j)) / l[j * ldl + j];
  }
}

/// potrf: the lower Cholesky factor of the n x n SPD block A in place (A = L L^T; L replaces the
/// lower triangle, the strictly upper triangle is left untouched). Returns false when a pivot is not
/// positive (A is not SPD).
CHOL_KERNEL inline bool potrf(double* a, long lda, long n) {
  for (long j = 0; j < n; ++j) {
    double* aj = a + j * lda;
    const double d = aj[j] - dot4(aj, aj, j);
    if (!(d > 0.0)) return false;
    const double ljj = std::sqrt(d);
    aj[j] = ljj;
    for (long i = j + 1; i < n; ++i) {
      double* ai = a + i * lda;
      ai[j] = (ai[j] - dot4(ai, aj, j)) / ljj;
    }
  }
  return true;
}

}  // namespace bench::chol

#pragma GCC diagnostic pop
