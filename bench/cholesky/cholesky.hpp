// Tiled Cholesky factorisation, right-looking, of an n x n SPD matrix of doubles in tiles of b x b:
//
//   for k in 0..nt-1:
//     POTRF  A[k][k]                                   (read_write)
//     for i > k:       TRSM  A[i][k] := A[i][k] L[k][k]^-T        (read A[k][k], read_write A[i][k])
//     for i > k:       SYRK  A[i][i] -= A[i][k] A[i][k]^T         (read A[i][k], read_write A[i][i])
//       for k < j < i: GEMM  A[i][j] -= A[i][k] A[j][k]^T         (read A[i][k], A[j][k], read_write A[i][j])
//
// Every version makes exactly these kernel calls (kernels.hpp) on the same tiles; only who orders them
// differs: the serial loop, Canopy's analyzer (privileges per tile), OpenMP depend clauses, StarPU's
// data handles. The matrix is row-major with leading dimension n; the factor L replaces the lower
// triangle and the strictly upper triangle is left as it was.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace canopy {
class Runtime;
}

namespace bench::chol {

/// make_spd fills an n x n symmetric, diagonally dominant (so SPD) matrix, the same for a given seed.
std::vector<double> make_spd(long n, std::uint64_t seed);

/// factor_serial factors `a` (n x n, ld n) in place in tiles of b; false when a pivot is not positive.
bool factor_serial(double* a, long n, long b);

/// max_diff_lower is max |x - y| over the lower triangle (diagonal included).
double max_diff_lower(const double* x, const double* y, long n);
/// residual_sampled is max |(L L^T - A)(i, j)| / max|A| over `samples` pseudo-random lower entries.
double residual_sampled(const double* l, const double* a, long n, int samples);

/// The timed versions: each factors `a` in place and returns the seconds of the factorisation alone
/// (task creation, execution and the final wait; not the setup such as StarPU's data registration or
/// Canopy's tile handles). They throw std::runtime_error when a pivot is not positive.
double time_serial(double* a, long n, long b);
double time_omp(double* a, long n, long b, int workers);
/// Canopy: one 2-D region, tiles as pieces of a user partition. Tasks whose tile is larger than
/// `leaf` split it into sub-tiles and spawn children on them (leaf >= b: flat, no splitting).
double time_canopy(canopy::Runtime& rt, double* a, long n, long b, long leaf);

/// StarPU: one session (starpu_init .. starpu_shutdown) serves many runs.
class StarpuSession {
 public:
  explicit StarpuSession(int workers);  // throws std::runtime_error when StarPU cannot start
  ~StarpuSession();
  StarpuSession(const StarpuSession&) = delete;
  StarpuSession& operator=(const StarpuSession&) = delete;
  double time(double* a, long n, long b);
  std::string describe() const;  // scheduler and worker count
};
bool have_starpu();

}  // namespace bench::chol
