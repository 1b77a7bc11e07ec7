#pragma once
// Workloads with a serial reference answer: fib, nqueens and seeded random-shaped trees.
// Shared by spawn_test.cpp (few seeds) and stress_test.cpp (thousands).
#include <canopy/canopy.hpp>

#include <cstdint>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace canopy_test {

// ---- fib: both children spawned, no cutoff ---------------------------------------------------

inline long fib_serial(int n) { return n < 2 ? n : fib_serial(n - 1) + fib_serial(n - 2); }

/// fib_task spawns both calls; every call of fib is a task.
inline long fib_task(canopy::Context& ctx, int n) {
  if (n < 2) return n;
  canopy::Future<long> a = ctx.spawn(fib_task, n - 1);
  canopy::Future<long> b = ctx.spawn(fib_task, n - 2);
  return a.get() + b.get();  // a is not at the bottom of the deque: b runs (or is stolen) first
}

/// fib_task_reverse gets the last-spawned child first (the deque's bottom: the inline fast path).
inline long fib_task_reverse(canopy::Context& ctx, int n) {
  if (n < 2) return n;
  canopy::Future<long> a = ctx.spawn(fib_task_reverse, n - 1);
  canopy::Future<long> b = ctx.spawn(fib_task_reverse, n - 2);
  long vb = b.get();
  return a.get() + vb;
}

// ---- nqueens: one child task per legal column of the next row --------------------------------

inline long nqueens_serial(int n, int row, std::uint32_t cols, std::uint32_t d1, std::uint32_t d2) {
  if (row == n) return 1;
  long count = 0;
  for (int c = 0; c < n; ++c) {
    std::uint32_t bit = 1u << c, b1 = 1u << (row + c), b2 = 1u << (row - c + n);
    if ((cols & bit) || (d1 & b1) || (d2 & b2)) continue;
    count += nqueens_serial(n, row + 1, cols | bit, d1 | b1, d2 | b2);
  }
  return count;
}

inline long nqueens_task(canopy::Context& ctx, int n, int row, std::uint32_t cols, std::uint32_t d1,
                         std::uint32_t d2) {
  if (row == n) return 1;
  std::vector<canopy::Future<long>> kids;
  for (int c = 0; c < n; ++c) {
    std::uint32_t bit = 1u << c, b1 = 1u << (row + c), b2 = 1u << (row - c + n);
    if ((cols & bit) || (d1 & b1) || (d2 & b2)) continue;
    kids.push_back(ctx.spawn(nqueens_task, n, row + 1, cols | bit, d1 | b1, d2 | b2));
  }
  long count = 0;
  for (auto& k : kids) count += k.get();
  return count;
}

// ---- random-shaped trees ---------------------------------------------------------------------
// A node is (key, depth). Its fan-out, its children's keys and the way the task waits for its children
// are all derived from the key, so one seed fixes the whole tree; the checksum of a subtree depends on
// the order of the children, so results delivered out of order are caught.

inline constexpr int kTreeMaxDepth = 7;

inline int tree_fanout(std::uint64_t key, int depth) {
  if (depth >= kTreeMaxDepth) return 0;
  std::uint64_t h = mix(key ^ 0xF00Dull);
  if (h % 100 < 30) return 0;
  return static_cast<int>((h >> 8) % 5) + 1;  // 1..5
}
inline std::uint64_t tree_child_key(std::uint64_t key, std::size_t i) { return mix(key * 31 + i + 1); }
inline std::uint64_t tree_combine(std::uint64_t key, std::size_t i, std::uint64_t acc, std::uint64_t child) {
  return acc + (i + 1) * child + (key & 0xff);
}
/// tree_strategy picks how a node spawns and waits for its children (see tree_task).
inline int tree_strategy(std::uint64_t key) { return static_cast<int>((mix(key ^ 0xBEEFull) >> 5) % 6); }

inline std::uint64_t tree_serial(std::uint64_t key, int depth, std::uint64_t& nodes) {
  ++nodes;
  int n = tree_fanout(key, depth);
  std::uint64_t acc = key;
  for (int i = 0; i < n; ++i)
    acc = tree_combine(key, static_cast<std::size_t>(i), acc,
                       tree_serial(tree_child_key(key, static_cast<std::size_t>(i)), depth + 1, nodes));
  return mix(acc);
}

inline std::uint64_t tree_task(canopy::Context& ctx, std::uint64_t key, int depth);

/// tree_point is the index-launch form of a child: point i of a node with key `parent`.
inline std::uint64_t tree_point(canopy::Context& ctx, std::size_t i, std::uint64_t parent, int depth) {
  return tree_task(ctx, tree_child_key(parent, i), depth);
}

inline std::uint64_t tree_task(canopy::Context& ctx, std::uint64_t key, int depth) {
  const int n = tree_fanout(key, depth);
  const auto N = static_cast<std::size_t>(n);
  std::vector<std::uint64_t> got(N);
  std::vector<canopy::Future<std::uint64_t>> fs(N);
  auto spawn_child = [&](std::size_t i) { fs[i] = ctx.spawn(tree_task, tree_child_key(key, i), depth + 1); };
  switch (tree_strategy(key)) {
    case 0:  // spawn all, get in order
      for (std::size_t i = 0; i < N; ++i) spawn_child(i);
      for (std::size_t i = 0; i < N; ++i) got[i] = fs[i].get();
      break;
    case 1:  // spawn all, get in reverse order
      for (std::size_t i = 0; i < N; ++i) spawn_child(i);
      for (std::size_t i = N; i-- > 0;) got[i] = fs[i].get();
      break;
    case 2: {  // index launch
      auto all = ctx.spawn_each(N, tree_point, key, depth + 1).get();
      for (std::size_t i = 0; i < N; ++i) got[i] = all[i];
      break;
    }
    case 3:  // one at a time
      for (std::size_t i = 0; i < N; ++i) {
        spawn_child(i);
        got[i] = fs[i].get();
      }
      break;
    case 4:  // spawn half, wait_all, spawn the rest, then get everything
      for (std::size_t i = 0; i < N / 2; ++i) spawn_child(i);
      ctx.wait_all();
      for (std::size_t i = N / 2; i < N; ++i) spawn_child(i);
      for (std::size_t i = 0; i < N; ++i) got[i] = fs[i].get();
      break;
    default:  // spawn all, wait_all, then get (the children are already joined)
      for (std::size_t i = 0; i < N; ++i) spawn_child(i);
      ctx.wait_all();
      for (std::size_t i = 0; i < N; ++i) got[i] = fs[i].get();
      break;
  }
  std::uint64_t acc = key;
  for (std::size_t i = 0; i < N; ++i) acc = tree_combine(key, i, acc, got[i]);
  return mix(acc);
}

/// check_tree_seeds runs the random tree of every seed in [first, first + count) on `rt` and compares
/// with the serial checksum; returns the number of nodes run.
inline std::uint64_t check_tree_seeds(canopy::Runtime& rt, std::uint64_t first, std::uint64_t count) {
  std::uint64_t total = 0;
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    std::uint64_t key = mix(seed);
    std::uint64_t nodes = 0;
    std::uint64_t expect = tree_serial(key, 0, nodes);
    std::uint64_t got = rt.run(tree_task, key, 0);
    total += nodes;
    if (got != expect) {
      INFO("seed " << seed << " (" << nodes << " nodes)");
      REQUIRE(got == expect);
    }
  }
  return total;
}

}  // namespace canopy_test
