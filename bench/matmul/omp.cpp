// OpenMP matrix multiply: an `omp task` per row or column split for one half, the other run by the
// parent, then a taskwait; inner-dimension halves run one after the other.
#include <omp.h>

#include "harness/kernels.hpp"
#include "matmul/matmul.hpp"

namespace bench {
namespace {

using namespace matmul;

void rec(Block x) {
  const Split s = split_of(x);
  if (s == Split::none) return leaf(x);
  if (s == Split::inner) {
    rec(first_half(x, s));
    rec(second_half(x, s));
    return;
  }
  Block h = first_half(x, s);
#pragma omp task firstprivate(h) default(none)
  rec(h);
  rec(second_half(x, s));
#pragma omp taskwait
}

}  // namespace

void matmul_omp(const double* a, const double* b, double* c, int n) {
#pragma omp parallel default(none) shared(a, b, c, n)
#pragma omp single
  rec(Block{a, b, c, n, n, n, n});
}

}  // namespace bench
