// Differential test of regions, privileges and the hierarchical dependence analyzer: random task trees
// over random regions (1-D, 2-D), partitions (equal, user boxes, disjoint, aliased), sub-regions and
// privileges (read, write, read_write, reduce<Sum>, reduce<Max>, reduce<OddMul>) run on the parallel
// runtime (1, 2 and 8 workers) and on a serial in-order reference; final region contents and every
// task's checksum must match. A failing seed is shrunk and printed as a task tree.
//
// Built twice: deps_differential_test (label deps, hundreds of seeds) and, with CANOPY_DIFF_STRESS=1,
// deps_differential_stress_test (label stress, thousands of seeds and bigger programs).
// CANOPY_DIFF_SEED=s runs only seed s; CANOPY_DIFF_FIRST=f and CANOPY_DIFF_SEEDS=n change the sweep;
// CANOPY_DIFF_VERBOSE=1 prints every program.
#include <catch2/catch.hpp>

#include "differential/harness.hpp"

#if CANOPY_DIFF_STRESS
#define DIFF_TEST(name) TEST_CASE("stress: " name, "[stress][differential]")
constexpr std::uint64_t kScale = 20;
constexpr int kExtraTasks = 32;
#else
#define DIFF_TEST(name) TEST_CASE(name, "[deps][differential]")
constexpr std::uint64_t kScale = 1;
constexpr int kExtraTasks = 0;
#endif

namespace {

void sweep(std::uint64_t default_count, diff::GenOptions options, std::uint64_t first_default) {
  const int workers = GENERATE(1, 2, 8);
  options.max_tasks += kExtraTasks;
  std::uint64_t first = diff::env_u64("CANOPY_DIFF_FIRST", first_default);
  std::uint64_t count = diff::env_u64("CANOPY_DIFF_SEEDS", default_count * kScale);
  if (const std::uint64_t one = diff::env_u64("CANOPY_DIFF_SEED", 0)) {
    first = one;
    count = 1;
  }
  INFO("workers " << workers << ", seeds [" << first << ", " << first + count << ")");
  const std::string report = diff::check_seeds(first, count, workers, options);
  if (!report.empty()) FAIL(report);
  SUCCEED();
}

}  // namespace

DIFF_TEST("differential: random region programs match the serial reference") { sweep(300, diff::GenOptions{}, 1); }

DIFF_TEST("differential: deep narrow trees pass pieces down five levels") {
  diff::GenOptions o;
  o.max_root_children = 2;
  o.max_children = 2;
  o.max_tasks = 24;
  sweep(150, o, 100001);
}

DIFF_TEST("differential: wide trees with busy tasks") {
  diff::GenOptions o;
  o.max_root_children = 8;
  o.max_tasks = 40;
  o.max_spin = 20000;
  sweep(60, o, 200001);
}

DIFF_TEST("differential: large regions and many pieces") {
  diff::GenOptions o;
  o.max_extent_1d = 400;
  o.max_rows = 24;
  o.max_cols = 20;
  sweep(40, o, 300001);
}

DIFF_TEST("differential: one child holding overlapping regions with conflicting privileges") {
  // api.md's own example does this: ctx.spawn(fn, read(v), write(parts[3]), ...).
  diff::GenOptions o;
  o.self_conflicts = true;
  sweep(100, o, 400001);
}

namespace {
long read_all_write_piece(canopy::Context&, canopy::Read<long> in, canopy::Write<long> out) {
  long s = 0;
  for (long x : in) s += x;
  for (std::int64_t i = out.bounds().lo[0]; i < out.bounds().hi[0]; ++i) out[i] = s + i;
  return s;
}
void iota(canopy::Context&, canopy::Write<long> w) {
  for (std::int64_t i = w.bounds().lo[0]; i < w.bounds().hi[0]; ++i) w[i] = i;
}
std::vector<long> api_example(canopy::Context& ctx) {
  canopy::Region<long> v = ctx.create_region<long>(16);
  auto parts = v.partition_equal(8);
  ctx.spawn(iota, canopy::write(v));
  const long s = ctx.spawn(read_all_write_piece, canopy::read(v), canopy::write(parts[3])).get();
  std::vector<long> out{s};
  ctx.spawn([](canopy::Context&, canopy::Read<long> r, std::vector<long>* o) { o->insert(o->end(), r.begin(), r.end()); },
            canopy::read(v), &out).get();
  return out;
}
}  // namespace

DIFF_TEST("a child may read v and write parts[3] in one spawn (api.md's example)") {
  const int workers = GENERATE(1, 2, 8);
  canopy::Config cfg;
  cfg.workers = workers;
  canopy::Runtime rt(cfg);
  diff::Watchdog wd(30, "api.md example: ctx.spawn(fn, read(v), write(parts[3]))");
  const std::vector<long> got = rt.run(api_example);
  REQUIRE(got.size() == 17);
  CHECK(got[0] == 120);
  for (long i = 0; i < 16; ++i) CHECK(got[static_cast<std::size_t>(i) + 1] == (i == 6 || i == 7 ? 120 + i : i));
}
