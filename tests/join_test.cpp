// Joins: a task waits for every child at wait_all and at its end, whether the child was got inline,
// stolen, got by someone else, or never got at all (futures dropped at once), at 1, 2 and 8 workers.
#include <atomic>
#include <stdexcept>
#include <vector>

#include "test_support.hpp"

using canopy_test::busy;
using canopy_test::mix;
using canopy_test::runtime_config;

namespace {

struct Tally {
  std::atomic<std::uint64_t> finished{0};
  std::atomic<std::uint64_t> sum{0};
};

void leaf(canopy::Context&, Tally* t, std::uint64_t seed) {
  busy(seed % 2000, seed);  // some last long enough to be stolen
  t->sum.fetch_add(seed % 1000, std::memory_order_relaxed);
  t->finished.fetch_add(1, std::memory_order_relaxed);
}

// Spawns `width` children per level, `depth` levels; keeps every third future and gets some of them,
// drops the rest at once, and sometimes calls wait_all in the middle.
void forget_tree(canopy::Context& ctx, Tally* t, std::uint64_t seed, int depth, int width) {
  std::vector<canopy::Future<void>> kept;
  for (int i = 0; i < width; ++i) {
    const std::uint64_t s = mix(seed * 31 + static_cast<std::uint64_t>(i));
    auto f = depth > 0 ? ctx.spawn(forget_tree, t, s, depth - 1, width) : ctx.spawn(leaf, t, s);
    if (s % 3 == 0) kept.push_back(std::move(f));
    if (s % 11 == 0) ctx.wait_all();
  }
  for (std::size_t i = 0; i < kept.size(); i += 2) kept[i].get();
  t->finished.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t expected_sum(std::uint64_t seed, int depth, int width) {
  std::uint64_t total = 0;
  for (int i = 0; i < width; ++i) {
    const std::uint64_t s = mix(seed * 31 + static_cast<std::uint64_t>(i));
    total += depth > 0 ? expected_sum(s, depth - 1, width) : s % 1000;
  }
  return total;
}

std::uint64_t tree_tasks(int depth, int width) {
  std::uint64_t level = 1, total = 0;
  for (int d = 0; d <= depth + 1; ++d, level *= static_cast<std::uint64_t>(width)) total += level;
  return total;
}

}  // namespace

TEST_CASE("a task returns only after every child finished, got or not, stolen or not", "[core][join]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    Tally t;
    const int depth = static_cast<int>(seed % 3) + 1, width = static_cast<int>(seed % 5) + 2;
    rt.run(forget_tree, &t, seed, depth, width);
    INFO("seed " << seed << ", " << w << " workers");
    CHECK(t.finished.load() == tree_tasks(depth, width));  // every task, the root included
    CHECK(t.sum.load() == expected_sum(seed, depth, width));
  }
}

TEST_CASE("a child that fails after its future was dropped is reported at the parent's join", "[core][join]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  for (int rep = 0; rep < 50; ++rep) {
    std::atomic<int> started{0}, finished{0};
    auto top = [&](canopy::Context& ctx) {
      for (int i = 0; i < 16; ++i) {
        // Dropped at once: nobody can get it, so only the join can report it.
        (void)ctx.spawn([&started, &finished, i](canopy::Context&) {
          started.fetch_add(1);
          busy(static_cast<std::uint64_t>(i) * 500);
          finished.fetch_add(1);
          if (i == 9) throw std::runtime_error("child nine failed");
        });
      }
    };
    INFO("rep " << rep << ", " << w << " workers");
    CHECK_THROWS_WITH(rt.run(top), "child nine failed");
    // The failure cancelled the children that had not started, and the join still waited for every
    // one that had: none is running once rt.run has returned.
    CHECK(finished.load() == started.load());
    CHECK(started.load() >= 1);
  }
}

TEST_CASE("wait_all in a loop: children of each round are joined before the next round", "[core][join]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  const bool all_rounds_complete = rt.run([](canopy::Context& ctx) {
    std::atomic<int> done{0};
    for (int round = 1; round <= 200; ++round) {
      for (int i = 0; i < 8; ++i)
        (void)ctx.spawn([&done, round, i](canopy::Context&) {
          busy(static_cast<std::uint64_t>((round * 8 + i) % 13) * 300);
          done.fetch_add(1);
        });
      ctx.wait_all();
      if (done.load() != round * 8) return false;
    }
    return true;
  });
  CHECK(all_rounds_complete);
}
