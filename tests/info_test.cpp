// Core runtime: ctx.info() (depth, unique ids, worker, socket, rank) at 1, 2 and 8 workers, also after
// a task parked and came back, perhaps on another worker. Assertions run on the test's main thread only
// (Catch2 is not thread-safe): tasks record what they saw and the test checks it after rt.run.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <mutex>
#include <set>
#include <vector>

#include "test_support.hpp"

using namespace canopy_test;

// ---- ctx.info() ------------------------------------------------------------------------------

namespace {
struct Seen {
  std::uint64_t id;
  int depth;
  int expected_depth;
  int worker;
  int socket;
  int rank;
  int ranks;
  std::uint64_t id_after_wait;
  int depth_after_wait;
};

struct Log {
  std::mutex m;
  std::vector<Seen> all;
};

void info_tree(canopy::Context& ctx, int expected_depth, int levels, Log* log) {
  canopy::TaskInfo before = ctx.info();
  std::vector<canopy::Future<void>> kids;
  if (levels > 0)
    for (int i = 0; i < 3; ++i) kids.push_back(ctx.spawn(info_tree, expected_depth + 1, levels - 1, log));
  for (auto& k : kids) k.get();  // may park and come back on another worker
  canopy::TaskInfo after = ctx.info();
  std::lock_guard<std::mutex> lk(log->m);
  log->all.push_back(Seen{before.id, before.depth, expected_depth, before.worker, before.socket, before.rank,
                          ctx.ranks(), after.id, after.depth});
}
}  // namespace

TEST_CASE("ctx.info(): depth of nested tasks and unique ids", "[core][info]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  REQUIRE(rt.rank() == 0);
  REQUIRE(rt.ranks() == 1);
  Log log;
  constexpr int levels = 6;  // 1 + 3 + ... + 3^6 = 1093 tasks
  rt.run(info_tree, 0, levels, &log);
  rt.run(info_tree, 0, 2, &log);  // ids stay unique across runs of one runtime
  REQUIRE(log.all.size() == 1093 + 13);
  int by_depth[levels + 1] = {};
  for (const Seen& s : log.all) {
    INFO("task " << s.id << " expected depth " << s.expected_depth);
    CHECK(s.depth == s.expected_depth);
    CHECK(s.depth_after_wait == s.depth);
    CHECK(s.id_after_wait == s.id);
    CHECK(s.worker >= 0);
    CHECK(s.worker < w);
    CHECK(s.socket == 0);
    CHECK(s.rank == 0);
    CHECK(s.ranks == 1);
    if (s.depth >= 0 && s.depth <= levels) ++by_depth[s.depth];
  }
  std::set<std::uint64_t> root_ids, child_ids;
  std::size_t children = 0;
  for (const Seen& s : log.all) {
    if (s.depth == 0) {
      root_ids.insert(s.id);
    } else {
      child_ids.insert(s.id);
      ++children;
    }
  }
  CHECK(child_ids.size() == children);  // every non-root task has its own id
  for (std::uint64_t r : root_ids) CHECK(child_ids.count(r) == 0);
  CHECK(by_depth[0] == 2);
  CHECK(by_depth[1] == 3 + 3);
  CHECK(by_depth[6] == 729);
}

TEST_CASE("ctx.info() of the root task", "[core][info]") {
  canopy::Runtime rt(runtime_config(2));
  canopy::TaskInfo root = rt.run([](canopy::Context& ctx) { return ctx.info(); });
  CHECK(root.depth == 0);
  CHECK(root.rank == 0);
  CHECK(root.worker >= 0);
  CHECK(root.worker < 2);
  canopy::TaskInfo child = rt.run([](canopy::Context& ctx) {
    return ctx.spawn([](canopy::Context& c) { return c.info(); }).get();
  });
  CHECK(child.depth == 1);
  CHECK(child.id != root.id);
  // Ids are "unique within a rank while the runtime lives": that includes the roots of successive runs.
  canopy::TaskInfo root2 = rt.run([](canopy::Context& ctx) { return ctx.info(); });
  CHECK(root2.id != root.id);
}
