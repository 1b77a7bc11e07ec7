// oneTBB matrix multiply: a task_group per row or column split, one half spawned, the other run by
// the parent; inner-dimension halves run one after the other.
#include <oneapi/tbb/task_group.h>

#include "harness/kernels.hpp"
#include "matmul/matmul.hpp"

namespace bench {
namespace {

using namespace matmul;

void rec(const Block& x) {
  const Split s = split_of(x);
  if (s == Split::none) return leaf(x);
  if (s == Split::inner) {
    rec(first_half(x, s));
    rec(second_half(x, s));
    return;
  }
  tbb::task_group g;
  g.run([h = first_half(x, s)] { rec(h); });
  rec(second_half(x, s));
  g.wait();
}

}  // namespace

void matmul_tbb(const double* a, const double* b, double* c, int n) { rec(Block{a, b, c, n, n, n, n}); }

}  // namespace bench
