// The race witness (CANOPY_CHECKED=ON, the debug preset): the runtime records when every privileged
// task ran and what it held. Two tasks that conflict (overlapping boxes of one root region, privileges
// that are not both read and not both reduce with one operator) and are not ancestor and descendant
// must never have overlapped in time; siblings that do not conflict must overlap at least sometimes
// (the analyzer must not serialise everything). Random differential programs and hand-made workloads.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "differential/harness.hpp"

namespace witnesstest {

using canopy::WitnessRecord;
using canopy::WitnessUse;

bool overlaps(const WitnessUse& a, const WitnessUse& b) {
  if (a.root_region != b.root_region) return false;
  for (int d = 0; d < a.dims; ++d)
    if (a.lo[d] >= b.hi[d] || b.lo[d] >= a.hi[d] || a.lo[d] >= a.hi[d] || b.lo[d] >= b.hi[d]) return false;
  return true;
}

bool conflicts(const WitnessUse& a, const WitnessUse& b) {
  if (!overlaps(a, b)) return false;
  if (a.privilege == canopy::Privilege::read && b.privilege == canopy::Privilege::read) return false;
  if (a.privilege == canopy::Privilege::reduce && b.privilege == canopy::Privilege::reduce && a.op == b.op) return false;
  return true;
}

std::string str(const WitnessUse& u) {
  std::ostringstream s;
  static const char* names[] = {"?", "read", "write", "read_write", "reduce"};
  s << names[static_cast<int>(u.privilege)] << (u.op.empty() ? "" : "<" + u.op + ">") << " on root #" << u.root_region << " ";
  for (int d = 0; d < u.dims; ++d) s << (d ? " x " : "") << "[" << u.lo[d] << ", " << u.hi[d] << ")";
  return s.str();
}

bool overlap_in_time(const WitnessRecord& a, const WitnessRecord& b) { return a.start_ns < b.end_ns && b.start_ns < a.end_ns; }

struct Analysis {
  std::vector<std::string> violations;  // conflicting, unrelated, overlapping in time
  std::size_t conflicting_pairs = 0;
  std::size_t independent_sibling_pairs = 0;
  std::size_t independent_sibling_overlaps = 0;
};

/// analyse checks every pair of records.
Analysis analyse(const std::vector<WitnessRecord>& records) {
  std::map<std::uint64_t, std::uint64_t> parent;
  for (const WitnessRecord& r : records) parent[r.task] = r.parent;
  auto ancestor = [&](std::uint64_t a, std::uint64_t d) {  // is a an ancestor of d?
    for (std::size_t steps = 0; steps <= records.size(); ++steps) {
      auto it = parent.find(d);
      if (it == parent.end()) return false;
      if (it->second == a) return true;
      d = it->second;
    }
    return false;
  };
  Analysis out;
  for (std::size_t i = 0; i < records.size(); ++i)
    for (std::size_t j = i + 1; j < records.size(); ++j) {
      const WitnessRecord& a = records[i];
      const WitnessRecord& b = records[j];
      if (a.task == b.task || ancestor(a.task, b.task) || ancestor(b.task, a.task)) continue;
      const WitnessUse* ua = nullptr;
      const WitnessUse* ub = nullptr;
      for (const WitnessUse& x : a.uses)
        for (const WitnessUse& y : b.uses)
          if (!ua && conflicts(x, y)) {
            ua = &x;
            ub = &y;
          }
      if (ua) {
        ++out.conflicting_pairs;
        if (overlap_in_time(a, b)) {
          std::ostringstream s;
          s << "tasks " << a.task << " (parent " << a.parent << ", " << str(*ua) << ", ran " << a.start_ns << ".." << a.end_ns
            << ") and " << b.task << " (parent " << b.parent << ", " << str(*ub) << ", ran " << b.start_ns << ".." << b.end_ns
            << ") conflict but overlapped";
          out.violations.push_back(s.str());
        }
      } else if (a.parent == b.parent) {
        ++out.independent_sibling_pairs;
        if (overlap_in_time(a, b)) ++out.independent_sibling_overlaps;
      }
    }
  return out;
}

bool skip_unless_enabled() {
  if (canopy::witness_enabled()) return false;
  WARN("the race witness records only in checked builds (CANOPY_CHECKED=ON, the debug preset); skipped");
  SUCCEED();
  return true;
}

canopy::Config workers(int w) {
  canopy::Config c;
  c.workers = w;
  return c;
}

// ---- hand-made workloads ------------------------------------------------------------------------------

void spin_for(std::chrono::microseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
  }
}
constexpr std::chrono::microseconds kBusy{4000};

void busy_write(canopy::Context&, canopy::Write<long> w) {
  spin_for(kBusy);
  for (long& x : w) x = 1;
}
long busy_read(canopy::Context&, canopy::Read<long> r) {
  spin_for(kBusy);
  return r[r.bounds().lo[0]];
}
void busy_rw(canopy::Context&, canopy::ReadWrite<long> rw) {
  spin_for(kBusy);
  for (long& x : rw) x += 1;
}
void busy_sum(canopy::Context&, canopy::Reduce<long, canopy::Sum> acc) {
  spin_for(kBusy);
  acc.fold(acc.bounds().lo[0], 1);
}
void busy_max(canopy::Context&, canopy::Reduce<long, canopy::Max> acc) {
  spin_for(kBusy);
  acc.fold(acc.bounds().lo[0], 1);
}

enum class Shape { disjoint_writers, readers, reducers, conflicting_rw, mixed_ops, piece_vs_whole };

/// workload spawns 8 siblings of one shape; returns the parent's task id.
std::uint64_t workload(canopy::Context& ctx, Shape shape) {
  canopy::Region<long> v = ctx.create_region<long>(64);
  auto parts = v.partition_equal(8);
  for (std::size_t i = 0; i < 8; ++i) {
    switch (shape) {
      case Shape::disjoint_writers: ctx.spawn(busy_write, canopy::write(parts[i])); break;
      case Shape::readers: ctx.spawn(busy_read, canopy::read(v)); break;
      case Shape::reducers: ctx.spawn(busy_sum, canopy::reduce<canopy::Sum>(v.sub({{0}, {1}}))); break;
      case Shape::conflicting_rw: ctx.spawn(busy_rw, canopy::read_write(v.sub({{static_cast<std::int64_t>(i)}, {40}}))); break;
      case Shape::mixed_ops:
        if (i % 2) ctx.spawn(busy_sum, canopy::reduce<canopy::Sum>(v));
        else ctx.spawn(busy_max, canopy::reduce<canopy::Max>(v));
        break;
      case Shape::piece_vs_whole:
        if (i % 3 == 2) ctx.spawn(busy_read, canopy::read(v));
        else ctx.spawn(busy_write, canopy::write(parts[i]));
        break;
    }
  }
  ctx.wait_all();
  return ctx.info().id;
}

/// run_shape runs the workload up to `tries` times until independent siblings overlap (when `want_overlap`);
/// checks every run for conflicting overlaps.
void run_shape(Shape shape, bool want_overlap, int tries = 5) {
  const int w = GENERATE(2, 8);
  canopy::Runtime rt(workers(w));
  canopy::witness_take();
  bool overlapped = false;
  for (int t = 0; t < tries && !(overlapped && want_overlap); ++t) {
    rt.run(workload, shape);
    const Analysis a = analyse(canopy::witness_take());
    INFO("workers " << w << ", try " << t);
    for (const std::string& v : a.violations) FAIL_CHECK(v);
    if (a.independent_sibling_overlaps > 0) overlapped = true;
  }
  if (want_overlap) {
    INFO("independent siblings never ran at the same time on " << w << " workers in " << tries << " tries");
    CHECK(overlapped);
  }
}

}  // namespace witnesstest

using namespace witnesstest;

TEST_CASE("witness: random programs never overlap conflicting tasks", "[deps][witness]") {
  if (skip_unless_enabled()) return;
  const int w = GENERATE(2, 8);
  canopy::Runtime rt(workers(w));
  diff::GenOptions o;
  o.max_spin = 3000;
  o.max_root_children = 8;
  const std::uint64_t seeds = diff::env_u64("CANOPY_DIFF_SEEDS", 120);
  std::size_t conflicting = 0, overlaps = 0;
  canopy::witness_take();
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    const diff::Program p = diff::generate(seed, o);
    std::optional<std::string> diff;
    {
      diff::Watchdog wd(60, "witness seed " + std::to_string(seed) + "\n" + diff::describe(p));
      diff = diff::compare(rt, p);
    }
    const std::vector<canopy::WitnessRecord> records = canopy::witness_take();
    INFO("seed " << seed << " on " << w << " workers\n" << diff::describe(p));
    if (diff) FAIL_CHECK(*diff);
    // Every privileged task is recorded: the driver, one init and one snapshot per region, every node.
    CHECK(records.size() == diff::count_tasks(p) + 2 * p.regions.size());
    const Analysis a = analyse(records);
    for (const std::string& v : a.violations) FAIL_CHECK(v);
    if (!a.violations.empty()) break;
    conflicting += a.conflicting_pairs;
    overlaps += a.independent_sibling_overlaps;
  }
  INFO("conflicting pairs checked: " << conflicting << "; independent siblings that overlapped: " << overlaps);
  CHECK(conflicting > 0);
}

TEST_CASE("witness: writers of disjoint pieces run at the same time", "[deps][witness]") {
  if (skip_unless_enabled()) return;
  run_shape(Shape::disjoint_writers, true);
}

TEST_CASE("witness: readers of one region run at the same time", "[deps][witness]") {
  if (skip_unless_enabled()) return;
  run_shape(Shape::readers, true);
}

TEST_CASE("witness: reducers with one operator run at the same time", "[deps][witness]") {
  if (skip_unless_enabled()) return;
  run_shape(Shape::reducers, true);
}

TEST_CASE("witness: overlapping read_write siblings never overlap", "[deps][witness]") {
  if (skip_unless_enabled()) return;
  run_shape(Shape::conflicting_rw, false, 2);
}

TEST_CASE("witness: reducers with different operators never overlap", "[deps][witness]") {
  if (skip_unless_enabled()) return;
  run_shape(Shape::mixed_ops, false, 2);
}

TEST_CASE("witness: a reader of the whole region waits for the piece writers around it", "[deps][witness]") {
  if (skip_unless_enabled()) return;
  run_shape(Shape::piece_vs_whole, true);
}

TEST_CASE("witness: disabled builds say so", "[deps][witness]") {
  if (canopy::witness_enabled()) {
    SUCCEED("checked build: the witness records");
  } else {
    CHECK(canopy::witness_take().empty());
  }
}

namespace witnesstest {
long creator(canopy::Context& ctx) {
  spin_for(std::chrono::microseconds(2000));
  canopy::Region<long> v = ctx.create_region<long>(4);
  return ctx.spawn(busy_read, canopy::read(v)).get();
}
}  // namespace witnesstest

TEST_CASE("witness: a task that creates regions without holding any has its real start time", "[deps][witness]") {
  if (skip_unless_enabled()) return;
  canopy::Runtime rt(workers(2));
  canopy::witness_take();
  const auto before = std::chrono::steady_clock::now();
  rt.run(creator);
  const auto after = std::chrono::steady_clock::now();
  const std::vector<canopy::WitnessRecord> records = canopy::witness_take();
  REQUIRE(records.size() == 2);
  for (const canopy::WitnessRecord& r : records) {
    INFO("task " << r.task << " (parent " << r.parent << ") ran " << r.start_ns << ".." << r.end_ns);
    CHECK(r.start_ns > 0);
    CHECK(r.start_ns <= r.end_ns);
    // The creator ran at least 2 ms (its spin) plus its child's 4 ms.
    if (r.parent == 0) CHECK(r.end_ns - r.start_ns < std::chrono::duration_cast<std::chrono::nanoseconds>(after - before).count() + 1000000);
  }
}
