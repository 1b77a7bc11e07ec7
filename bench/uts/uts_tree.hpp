// UTS, the Unbalanced Tree Search benchmark (Olivier et al., LCPC 2006), with our own random numbers.
//
// A UTS tree exists only implicitly: a node is its 64-bit RNG state plus its depth, and the number of
// children of a node is drawn from that state. Every runtime must therefore count exactly the same
// number of nodes, which is what makes UTS a checkable load-balancing benchmark.
//
// The reference UTS derives child states with SHA-1. We use a hash-based splittable RNG instead, so we
// need no crypto code and a node costs tens of nanoseconds rather than a microsecond:
//   - root state  = mix64(root_seed)
//   - child i     = mix64(parent + (i + 1) * 0x9E3779B97F4A7C15): the i-th output of a SplitMix64
//                   stream seeded with the parent's state (mix64 is SplitMix64's finalizer, a bijection)
//   - the node's own uniform draw u in [0, 1) is the top 53 bits of its state.
// The trees therefore have the reference shapes but not the reference node counts; the seeds below were
// chosen by the rule written next to each one, and the expected counts are pinned so that a change to
// the RNG or to the shape code is caught by the serial run.
#pragma once

#include <cstdint>
#include <string_view>

namespace bench::uts {

// The reference UTS caps a node at 100 children (MAXNUMCHILDREN); we do too, for the same trees.
inline constexpr int kMaxChildren = 100;

enum class Shape : std::uint8_t {
  geometric,  // T1 family: Geo(mean b0) children while depth < max_depth (the reference "FIXED" shape)
  binomial,   // T3 family: the root has b0 children; any other node has m children with probability q
};

struct Params {
  std::string_view name;  // for tables, e.g. "T1L-small"
  Shape shape;
  double b0;              // geometric: expected branching; binomial: root branching
  int max_depth;          // geometric only: nodes at this depth are leaves
  double q;               // binomial only
  int m;                  // binomial only
  std::uint64_t root_seed;
  std::uint64_t expected_nodes;  // pinned by the serial run; 0 = unknown (custom tree)
  double log_fail = 0;           // geometric only: log(1 - 1 / (1 + b0)), computed once, not per node
};

struct Node {
  std::uint64_t state;
  int depth;
};

Node root(const Params& p);

// Children of `n`, drawn from its state (0 for a leaf), capped at kMaxChildren.
int num_children(const Params& p, const Node& n);

inline Node child(const Node& parent, int i) {
  std::uint64_t z = parent.state + static_cast<std::uint64_t>(i + 1) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return Node{z ^ (z >> 31), parent.depth + 1};
}

// What the serial reference reports: the node count (the answer every runtime must reproduce) and the
// number of tasks a parallel version spawns (each internal node spawns all its children but the last,
// which it explores directly, like fib's one-spawn-one-call).
struct Count {
  std::uint64_t nodes = 0;
  std::uint64_t spawns = 0;
  int max_depth = 0;
};

// The trees of the "uts-t1l" and "uts-t3l" suites per size: "small", "medium" (the reference sizes)
// or "large". Returns nullptr for an unknown size.
const Params* t1l(std::string_view size);
const Params* t3l(std::string_view size);

}  // namespace bench::uts
