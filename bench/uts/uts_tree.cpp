// Tree shapes and the trees of the uts-t1l / uts-t3l suites (see uts_tree.hpp for the RNG).
#include "uts/uts_tree.hpp"

#include <cmath>

namespace bench::uts {
namespace {

// The top 53 bits of a state, as a double in [0, 1).
double unit(std::uint64_t state) { return static_cast<double>(state >> 11) * 0x1.0p-53; }

std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// T1L in the reference: geometric, b0 = 4, depth 13, root seed 29, 102,181,082 nodes. With our RNG,
// seed 29 gives a 2-node tree (a geometric root has no children 20 % of the time), so we use the first
// seed >= 29 whose depth-13 tree is within 2 % of the reference size: seed 32, 103,437,504 nodes.
// The small and large trees keep that seed and change the depth (same tree, cut or extended).
Params geometric(std::string_view name, double b0, int depth, std::uint64_t seed, std::uint64_t nodes) {
  return Params{name, Shape::geometric, b0, depth, 0, 0, seed, nodes, std::log1p(-1.0 / (1.0 + b0))};
}

const Params kT1L[] = {
    geometric("T1L-small(d10)", 4.0, 10, 32, 1'616'790),
    geometric("T1L(d13)", 4.0, 13, 32, 103'437'504),
    geometric("T1L-large(d14)", 4.0, 14, 32, 413'742'666),
};

// T3L in the reference: binomial, b0 = 2000, m = 5, q = 0.200014, root seed 7: 111,345,631 nodes,
// depth 17,844. q*m is just above 1, so sizes vary wildly with the seed (heavy tail, some trees are
// practically infinite). Medium: the first seed >= 7 whose tree has 80-130 M nodes: seed 48,
// 94,409,201 nodes, depth 15,003 (similar depth to the reference). Small: q = 0.199 (q*m = 0.995,
// subcritical, expected size 1 + b0 / (1 - q*m) = 400 k) with the reference seed 7. Large: the first
// seed >= 7 whose tree has 200-500 M nodes: seed 57, 283,760,001 nodes, depth 21,611.
const Params kT3L[] = {
    {"T3L-small(q.199)", Shape::binomial, 2000.0, 0, 0.199, 5, 7, 1'262'491},
    {"T3L(s48)", Shape::binomial, 2000.0, 0, 0.200014, 5, 48, 94'409'201},
    {"T3L-large(s57)", Shape::binomial, 2000.0, 0, 0.200014, 5, 57, 283'760'001},
};

const Params* pick(const Params (&table)[3], std::string_view size) {
  if (size == "small") return &table[0];
  if (size == "medium") return &table[1];
  if (size == "large") return &table[2];
  return nullptr;
}

}  // namespace

Node root(const Params& p) { return Node{mix64(p.root_seed), 0}; }

int num_children(const Params& p, const Node& n) {
  double u = unit(n.state);
  if (p.shape == Shape::binomial) {
    if (n.depth == 0) return static_cast<int>(p.b0);
    return u < p.q ? p.m : 0;
  }
  if (n.depth >= p.max_depth) return 0;
  // Inverse CDF of the geometric distribution with mean b0 (success probability 1 / (1 + b0)),
  // as in the reference; log1p keeps precision for u near 0.
  double k = std::floor(std::log1p(-u) / p.log_fail);
  return k >= kMaxChildren ? kMaxChildren : static_cast<int>(k);
}

const Params* t1l(std::string_view size) { return pick(kT1L, size); }
const Params* t3l(std::string_view size) { return pick(kT3L, size); }

}  // namespace bench::uts
