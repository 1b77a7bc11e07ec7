// Serial UTS: depth-first recursion over the implicit tree. The counting variant also reports the
// tasks the parallel versions spawn and the tree's depth, without slowing the timed variant down.
#include <algorithm>

#include "harness/kernels.hpp"

namespace bench {
namespace {

using uts::Node;

template <bool kCount>
std::uint64_t explore(const uts::Params& p, const Node& n, uts::Count* c) {
  int k = uts::num_children(p, n);
  if constexpr (kCount) {
    c->max_depth = std::max(c->max_depth, n.depth);
    if (k > 0) c->spawns += static_cast<std::uint64_t>(k - 1);
  }
  std::uint64_t total = 1;
  for (int i = 0; i < k; ++i) total += explore<kCount>(p, uts::child(n, i), c);
  return total;
}

}  // namespace

std::uint64_t uts_serial(const uts::Params& p) { return explore<false>(p, uts::root(p), nullptr); }

uts::Count uts_reference(const uts::Params& p) {
  uts::Count c;
  c.nodes = explore<true>(p, uts::root(p), &c);
  return c;
}

}  // namespace bench
