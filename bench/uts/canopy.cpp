// Canopy UTS: one spawn per child but the last, which the parent explores directly; counts come back
// through the futures. The tree parameters travel as a pointer (same process, read-only).
#include "harness/canopy_kernels.hpp"
#include "harness/small_array.hpp"

namespace bench {
namespace {

using uts::Node;

std::uint64_t explore(canopy::Context& ctx, const uts::Params* p, Node n) {
  int k = uts::num_children(*p, n);
  if (k == 0) return 1;
  SmallArray<canopy::Future<std::uint64_t>, 16> kids(static_cast<std::size_t>(k - 1));
  for (int i = 0; i < k - 1; ++i) kids[i] = ctx.spawn(explore, p, uts::child(n, i));
  std::uint64_t total = 1 + explore(ctx, p, uts::child(n, k - 1));
  for (int i = 0; i < k - 1; ++i) total += kids[i].get();
  return total;
}

}  // namespace

std::uint64_t uts_canopy(canopy::Runtime& rt, const uts::Params& p) {
  return rt.run(explore, &p, uts::root(p));
}

}  // namespace bench
