// OpenMP Cholesky: one task per tile kernel, ordered by depend(in/inout) on the tiles' first elements,
// created by one thread of a parallel region (the usual libgomp/LLVM task-dependence pattern).
#include <omp.h>

#include <atomic>
#include <stdexcept>

#include "cholesky/cholesky.hpp"
#include "cholesky/kernels.hpp"
#include "spawn_deps/deps.hpp"

namespace bench::chol {

double time_omp(double* a, long n, long b, int workers) {
  omp_set_dynamic(0);
  omp_set_num_threads(workers);
  const long nt = n / b;
  std::atomic<bool> failed{false};
  const auto t0 = deps::Clock::now();
#pragma omp parallel
#pragma omp single
  {
    for (long k = 0; k < nt; ++k) {
      double* kk = a + k * b * n + k * b;
#pragma omp task depend(inout : kk[0]) firstprivate(kk) shared(failed)
      if (!potrf(kk, n, b)) failed.store(true);
      for (long i = k + 1; i < nt; ++i) {
        double* ik = a + i * b * n + k * b;
#pragma omp task depend(in : kk[0]) depend(inout : ik[0]) firstprivate(kk, ik)
        trsm(kk, n, ik, n, b, b);
      }
      for (long i = k + 1; i < nt; ++i) {
        double* ik = a + i * b * n + k * b;
        double* ii = a + i * b * n + i * b;
#pragma omp task depend(in : ik[0]) depend(inout : ii[0]) firstprivate(ik, ii)
        syrk(ik, n, ii, n, b, b);
        for (long j = k + 1; j < i; ++j) {
          double* jk = a + j * b * n + k * b;
          double* ij = a + i * b * n + j * b;
#pragma omp task depend(in : ik[0], jk[0]) depend(inout : ij[0]) firstprivate(ik, jk, ij)
          gemm(ik, n, jk, n, ij, n, b, b, b);
        }
      }
    }
  }  // the implicit barrier waits for every task
  const double seconds = deps::seconds_since(t0);
  if (failed.load()) throw std::runtime_error("omp: the matrix is not positive definite");
  return seconds;
}

}  // namespace bench::chol
