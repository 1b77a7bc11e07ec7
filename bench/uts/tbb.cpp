// oneTBB UTS: a task_group per internal node; every child but the last is a task, the last is
// explored directly (the same task tree as every other runtime), counts come back through slots.
#include <oneapi/tbb/task_group.h>

#include "harness/kernels.hpp"
#include "harness/small_array.hpp"

namespace bench {
namespace {

using uts::Node;

std::uint64_t explore(const uts::Params* p, Node n) {
  int k = uts::num_children(*p, n);
  if (k == 0) return 1;
  SmallArray<std::uint64_t, 16> counts(static_cast<std::size_t>(k - 1));
  tbb::task_group g;
  for (int i = 0; i < k - 1; ++i) {
    g.run([&counts, i, p, c = uts::child(n, i)] { counts[i] = explore(p, c); });
  }
  std::uint64_t total = 1 + explore(p, uts::child(n, k - 1));
  g.wait();
  for (int i = 0; i < k - 1; ++i) total += counts[i];
  return total;
}

}  // namespace

std::uint64_t uts_tbb(const uts::Params& p) { return explore(&p, uts::root(p)); }

}  // namespace bench
