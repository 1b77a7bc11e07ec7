// OpenMP fib: one `omp task` per call and a taskwait, started by a single thread of the team.
#include <omp.h>

#include "harness/kernels.hpp"

namespace bench {
namespace {

long fib(int n) {
  if (n < 2) return n;
  long a = 0;
#pragma omp task shared(a) firstprivate(n) default(none)
  a = fib(n - 1);
  long b = fib(n - 2);
#pragma omp taskwait
  return a + b;
}

}  // namespace

std::uint64_t fib_omp(int n) {
  long r = 0;
#pragma omp parallel default(none) shared(r, n)
#pragma omp single
  r = fib(n);
  return static_cast<std::uint64_t>(r);
}

}  // namespace bench
