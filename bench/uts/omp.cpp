// OpenMP UTS: one `omp task` per child but the last, which the parent explores directly; a taskwait.
#include <omp.h>

#include "harness/kernels.hpp"
#include "harness/small_array.hpp"

namespace bench {
namespace {

using uts::Node;

std::uint64_t explore(const uts::Params* p, Node n) {
  int k = uts::num_children(*p, n);
  if (k == 0) return 1;
  SmallArray<std::uint64_t, 16> counts(static_cast<std::size_t>(k - 1));
  std::uint64_t* slot = counts.data();
  for (int i = 0; i < k - 1; ++i) {
    Node c = uts::child(n, i);
#pragma omp task firstprivate(slot, i, p, c) default(none)
    slot[i] = explore(p, c);
  }
  std::uint64_t total = 1 + explore(p, uts::child(n, k - 1));
#pragma omp taskwait
  for (int i = 0; i < k - 1; ++i) total += slot[i];
  return total;
}

}  // namespace

std::uint64_t uts_omp(const uts::Params& p) {
  std::uint64_t r = 0;
  const uts::Params* pp = &p;
#pragma omp parallel default(none) shared(r, pp)
#pragma omp single
  r = explore(pp, uts::root(*pp));
  return r;
}

}  // namespace bench
