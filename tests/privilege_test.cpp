// Privilege checks at spawn: a task may pass to a child only what it holds. Every kind of violation, at
// depth 1 and at depth 5 (a chain of tasks passing the region down), with the message checked (the
// child, the region and its range, the privilege asked for, what the parent holds, the spawn's file and
// line); the allowed cases; the exception's type; rt.run rethrowing it when nobody catches it; and the
// data left as it was.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <vector>

#include "test_support.hpp"

using Catch::Matchers::Contains;

namespace privtest {

using R1 = canopy::Region<long>;
using Parts = canopy::Partition<long>;

constexpr std::int64_t kN = 16;

// What the task that spawns records just before its spawn, for the test to compare with what().
int spawn_line = 0;
std::uint64_t asked_id = 0;
std::string asked_box;
bool spawn_returned = false;
int holder_depth = -1;

std::string box_str(const R1& r) {
  return "[" + std::to_string(r.bounds().lo[0]) + ", " + std::to_string(r.bounds().hi[0]) + ")";
}
void note(int line, const R1& asked) {
  spawn_line = line;
  asked_id = asked.id();
  asked_box = box_str(asked);
  spawn_returned = false;
}

// The children asked for. External linkage, so that the message can name them.
long leaf_read(canopy::Context&, canopy::Read<long> r) {
  long s = 0;
  for (long v : r) s += v;
  return s;
}
void leaf_write(canopy::Context&, canopy::Write<long> w) {
  for (std::int64_t i = w.bounds().lo[0]; i < w.bounds().hi[0]; ++i) w[i] = -1;
}
void leaf_read_write(canopy::Context&, canopy::ReadWrite<long> rw) {
  for (long& v : rw) v += 1000;
}
void leaf_sum(canopy::Context&, canopy::Reduce<long, canopy::Sum> acc) {
  for (std::int64_t i = acc.bounds().lo[0]; i < acc.bounds().hi[0]; ++i) acc.fold(i, 1);
}
void leaf_max(canopy::Context&, canopy::Reduce<long, canopy::Max> acc) {
  for (std::int64_t i = acc.bounds().lo[0]; i < acc.bounds().hi[0]; ++i) acc.fold(i, 1 << 20);
}

auto request_like(const canopy::Read<long>& a) { return canopy::read(a.region()); }
auto request_like(const canopy::Write<long>& a) { return canopy::write(a.region()); }
auto request_like(const canopy::ReadWrite<long>& a) { return canopy::read_write(a.region()); }
template <class Op>
auto request_like(const canopy::Reduce<long, Op>& a) {
  return canopy::reduce<Op>(a.region());
}

// ---- the cases: what the holder gets, what it asks for, and what must happen --------------------------
// Each case: Held (the holder's accessor), give (its request, made by the root), attempt (the spawn,
// written on one line with note(__LINE__, ...)), and for violations the privilege asked for, the child's
// name and what the message says the parent holds. `value(i)` is v[i] at the end.

long initial(std::int64_t i) { return 10 * i; }

struct ReadHoldingNothing {
  static constexpr bool allowed = false;
  using Held = canopy::ReadWrite<long>;
  static auto give(const R1& v, const Parts&) { return canopy::read_write(v); }
  static void attempt(canopy::Context& ctx, Held&, const R1&, const R1& other) {
    note(__LINE__, other); ctx.spawn(leaf_read, canopy::read(other)); spawn_returned = true;
  }
  static constexpr const char* asked = "read";
  static constexpr const char* child = "privtest::leaf_read";
  static std::string holds(const R1&) { return "it holds nothing on that region"; }
  static long value(std::int64_t i) { return initial(i); }
};

struct WriteHoldingRead {
  static constexpr bool allowed = false;
  using Held = canopy::Read<long>;
  static auto give(const R1& v, const Parts&) { return canopy::read(v); }
  static void attempt(canopy::Context& ctx, Held& h, const R1&, const R1&) {
    note(__LINE__, h.region()); ctx.spawn(leaf_write, canopy::write(h.region())); spawn_returned = true;
  }
  static constexpr const char* asked = "write";
  static constexpr const char* child = "privtest::leaf_write";
  static std::string holds(const R1&) { return "it holds only read on [0, 16) there ([0, 16) is not covered)"; }
  static long value(std::int64_t i) { return initial(i); }
};

struct ReadWriteHoldingRead {
  static constexpr bool allowed = false;
  using Held = canopy::Read<long>;
  static auto give(const R1& v, const Parts&) { return canopy::read(v); }
  static void attempt(canopy::Context& ctx, Held& h, const R1&, const R1&) {
    note(__LINE__, h.region()); ctx.spawn(leaf_read_write, canopy::read_write(h.region())); spawn_returned = true;
  }
  static constexpr const char* asked = "read_write";
  static constexpr const char* child = "privtest::leaf_read_write";
  static std::string holds(const R1&) { return "it holds only read on [0, 16) there"; }
  static long value(std::int64_t i) { return initial(i); }
};

// api.md: "write/read_write need write or read-write" in the parent.
struct ReadWriteHoldingWrite {
  static constexpr bool allowed = true;
  using Held = canopy::Write<long>;
  static auto give(const R1&, const Parts& parts) { return canopy::write(parts[1]); }
  static void attempt(canopy::Context& ctx, Held& h, const R1&, const R1&) {
    note(__LINE__, h.region()); ctx.spawn(leaf_read_write, canopy::read_write(h.region())); spawn_returned = true;
  }
  static constexpr const char* asked = "read_write";
  static constexpr const char* child = "privtest::leaf_read_write";
  static long value(std::int64_t i) { return i >= 8 && i < 16 ? initial(i) + 1000 : initial(i); }
};

struct SumHoldingRead {
  static constexpr bool allowed = false;
  using Held = canopy::Read<long>;
  static auto give(const R1& v, const Parts&) { return canopy::read(v); }
  static void attempt(canopy::Context& ctx, Held& h, const R1&, const R1&) {
    R1 s = h.region().sub({{3}, {9}}); note(__LINE__, s); ctx.spawn(leaf_sum, canopy::reduce<canopy::Sum>(s)); spawn_returned = true;
  }
  static constexpr const char* asked = "reduce<Sum>";
  static constexpr const char* child = "privtest::leaf_sum";
  static std::string holds(const R1&) { return "it holds only read on [0, 16) there ([3, 9) is not covered)"; }
  static long value(std::int64_t i) { return initial(i); }
};

struct SumHoldingMax {
  static constexpr bool allowed = false;
  using Held = canopy::Reduce<long, canopy::Max>;
  static auto give(const R1& v, const Parts&) { return canopy::reduce<canopy::Max>(v); }
  static void attempt(canopy::Context& ctx, Held& h, const R1&, const R1&) {
    note(__LINE__, h.region()); ctx.spawn(leaf_sum, canopy::reduce<canopy::Sum>(h.region())); spawn_returned = true;
  }
  static constexpr const char* asked = "reduce<Sum>";
  static constexpr const char* child = "privtest::leaf_sum";
  static std::string holds(const R1&) { return "it holds only reduce<Max> on [0, 16) there"; }
  static long value(std::int64_t i) { return initial(i); }  // Max's identity folds change nothing
};

struct PartlyOutside {
  static constexpr bool allowed = false;
  using Held = canopy::ReadWrite<long>;
  static auto give(const R1&, const Parts& parts) { return canopy::read_write(parts[0]); }
  static void attempt(canopy::Context& ctx, Held&, const R1& v, const R1&) {
    R1 s = v.sub({{4}, {12}}); note(__LINE__, s); ctx.spawn(leaf_read, canopy::read(s)); spawn_returned = true;
  }
  static constexpr const char* asked = "read";
  static constexpr const char* child = "privtest::leaf_read";
  static std::string holds(const R1&) { return "it holds only read_write on [0, 8) there ([8, 12) is not covered)"; }
  static long value(std::int64_t i) { return initial(i); }
};

struct ReadHoldingReadWrite {
  static constexpr bool allowed = true;
  using Held = canopy::ReadWrite<long>;
  static auto give(const R1& v, const Parts&) { return canopy::read_write(v); }
  static void attempt(canopy::Context& ctx, Held& h, const R1&, const R1&) {
    R1 s = h.region().sub({{2}, {5}}); note(__LINE__, s); long got = ctx.spawn(leaf_read, canopy::read(s)).get(); spawn_returned = true;
    if (got != initial(2) + initial(3) + initial(4)) throw std::logic_error("read child saw " + std::to_string(got));
  }
  static long value(std::int64_t i) { return initial(i); }
};

struct SumHoldingSum {
  static constexpr bool allowed = true;
  using Held = canopy::Reduce<long, canopy::Sum>;
  static auto give(const R1& v, const Parts&) { return canopy::reduce<canopy::Sum>(v); }
  static void attempt(canopy::Context& ctx, Held& h, const R1&, const R1&) {
    R1 s = h.region().sub({{5}, {11}}); note(__LINE__, s); ctx.spawn(leaf_sum, canopy::reduce<canopy::Sum>(s)); spawn_returned = true;
    h.fold(0, 7);  // the holder folds too: both reach the region
  }
  static long value(std::int64_t i) { return initial(i) + (i >= 5 && i < 11 ? 1 : 0) + (i == 0 ? 7 : 0); }
};

struct WriteHoldingWrite {
  static constexpr bool allowed = true;
  using Held = canopy::Write<long>;
  static auto give(const R1&, const Parts& parts) { return canopy::write(parts[1]); }
  static void attempt(canopy::Context& ctx, Held& h, const R1&, const R1&) {
    auto halves = h.region().partition_equal(2); note(__LINE__, halves[1]); ctx.spawn(leaf_write, canopy::write(halves[1])); spawn_returned = true;
  }
  static long value(std::int64_t i) { return i >= 12 ? -1 : initial(i); }
};

struct MaxHoldingReadWrite {
  static constexpr bool allowed = true;
  using Held = canopy::ReadWrite<long>;
  static auto give(const R1& v, const Parts&) { return canopy::read_write(v); }
  static void attempt(canopy::Context& ctx, Held& h, const R1&, const R1&) {
    note(__LINE__, h.region()); ctx.spawn(leaf_max, canopy::reduce<canopy::Max>(h.region())); spawn_returned = true;
  }
  static long value(std::int64_t) { return 1 << 20; }
};

// ---- the chain ----------------------------------------------------------------------------------------

void fill(canopy::Context&, canopy::Write<long> w) {
  for (std::int64_t i = w.bounds().lo[0]; i < w.bounds().hi[0]; ++i) w[i] = initial(i);
}
void fill_other(canopy::Context&, canopy::Write<long> w) {
  for (long& x : w) x = 5;
}
std::vector<long> snapshot(canopy::Context&, canopy::Read<long> r) { return std::vector<long>(r.begin(), r.end()); }

/// hold passes its privilege down `levels_left - 1` more levels; the last one makes the attempt.
/// With catch_it it returns the PrivilegeError's what() (empty when the spawn was accepted).
template <class Case>
std::string hold(canopy::Context& ctx, int levels_left, bool catch_it, R1 v, R1 other, typename Case::Held held) {
  if (levels_left > 1) return ctx.spawn(hold<Case>, levels_left - 1, catch_it, v, other, request_like(held)).get();
  holder_depth = ctx.info().depth;
  if (!catch_it) {
    Case::attempt(ctx, held, v, other);
    return {};
  }
  try {
    Case::attempt(ctx, held, v, other);
  } catch (const canopy::PrivilegeError& e) {
    return std::string("PrivilegeError: ") + e.what();
  }
  return {};
}

/// top makes the regions, fills them, runs the chain and snapshots both regions. `keep` receives the
/// region handles, so the test can look at the data when the error escapes rt.run.
template <class Case>
std::string top(canopy::Context& ctx, int depth, bool catch_it, std::vector<R1>* keep) {
  R1 v = ctx.create_region<long>(kN);
  R1 other = ctx.create_region<long>(4);
  keep->assign({v, other});
  ctx.spawn(fill, canopy::write(v));
  ctx.spawn(fill_other, canopy::write(other));
  Parts parts = v.partition_equal(2);
  return ctx.spawn(hold<Case>, depth, catch_it, v, other, Case::give(v, parts)).get();
}

template <class Case>
std::string run_case(int depth, std::vector<long>* v_after, std::vector<long>* other_after) {
  canopy::Config cfg;
  cfg.workers = 2;
  canopy::Runtime rt(cfg);
  std::vector<R1> keep;
  holder_depth = -1;
  std::string error = rt.run(top<Case>, depth, true, &keep);
  const canopy::Read<long> v = canopy_test::peek(keep.at(0)), o = canopy_test::peek(keep.at(1));
  v_after->assign(v.begin(), v.end());
  other_after->assign(o.begin(), o.end());
  return error;
}

template <class Case>
void check_violation(int depth) {
  std::vector<long> v, other;
  const std::string what = run_case<Case>(depth, &v, &other);
  INFO("what(): " << what);
  CHECK(holder_depth == depth);
  REQUIRE_THAT(what, Contains("PrivilegeError"));
  CHECK_FALSE(spawn_returned);  // thrown by spawn itself, at the call site
  CHECK_THAT(what, Contains(std::string("privilege_test.cpp:") + std::to_string(spawn_line) + ":"));
  CHECK_THAT(what, Contains(std::string("spawns '") + Case::child + "("));
  CHECK_THAT(what, Contains(std::string(" with ") + Case::asked + " on region #" + std::to_string(asked_id) + " " + asked_box));
  CHECK_THAT(what, Contains(Case::holds(R1())));
  for (std::int64_t i = 0; i < kN; ++i) CHECK(v.at(static_cast<std::size_t>(i)) == Case::value(i));
  CHECK(other == std::vector<long>(4, 5));
}

template <class Case>
void check_allowed(int depth) {
  std::vector<long> v, other;
  const std::string what = run_case<Case>(depth, &v, &other);
  CHECK(what.empty());
  CHECK(holder_depth == depth);
  CHECK(spawn_returned);
  for (std::int64_t i = 0; i < kN; ++i) CHECK(v.at(static_cast<std::size_t>(i)) == Case::value(i));
  CHECK(other == std::vector<long>(4, 5));
}

// ---- union of two held pieces -------------------------------------------------------------------------

void add_hundred(canopy::Context&, canopy::ReadWrite<long> rw) {
  for (std::int64_t i = rw.bounds().lo[0]; i < rw.bounds().hi[0]; ++i) rw[i] += 100;
}
/// two_pieces holds read_write on two adjacent pieces and asks for a box spanning both.
std::string two_pieces(canopy::Context& ctx, int levels_left, R1 v, canopy::ReadWrite<long> a, canopy::ReadWrite<long> b) {
  if (levels_left > 1) return ctx.spawn(two_pieces, levels_left - 1, v, canopy::read_write(a.region()), canopy::read_write(b.region())).get();
  holder_depth = ctx.info().depth;
  try {
    R1 s = v.sub({{6}, {10}}); note(__LINE__, s); ctx.spawn(add_hundred, canopy::read_write(s)); spawn_returned = true;
  } catch (const canopy::PrivilegeError& e) {
    return e.what();
  }
  return {};
}
std::vector<long> two_pieces_top(canopy::Context& ctx, int depth) {
  R1 v = ctx.create_region<long>(kN);
  ctx.spawn(fill, canopy::write(v));
  Parts parts = v.partition_equal(4);  // [0, 4) [4, 8) [8, 12) [12, 16)
  std::string error = ctx.spawn(two_pieces, depth, v, canopy::read_write(parts[1]), canopy::read_write(parts[2])).get();
  if (!error.empty()) throw std::logic_error(error);
  return ctx.spawn(snapshot, canopy::read(v)).get();
}

// ---- an error nobody catches --------------------------------------------------------------------------

void marker(canopy::Context&, canopy::Write<long> w) {
  for (long& x : w) x = 77;
}
/// uncaught_top runs a sibling that writes parts[1] and then a chain on parts[0] whose last task makes
/// a spawn outside what it holds; nobody catches the error. The siblings are joined before the chain
/// starts: a failure cancels the siblings that have not started, and these must have run.
long uncaught_top(canopy::Context& ctx, int depth, std::vector<R1>* keep) {
  R1 v = ctx.create_region<long>(kN);
  R1 other = ctx.create_region<long>(4);
  keep->assign({v, other});
  ctx.spawn(fill, canopy::write(v));
  ctx.spawn(fill_other, canopy::write(other));
  Parts parts = v.partition_equal(2);
  ctx.spawn(marker, canopy::write(parts[1]));
  ctx.wait_all();
  auto chain = ctx.spawn(hold<PartlyOutside>, depth, false, v, other, canopy::read_write(parts[0]));
  chain.get();  // rethrows
  return 0;
}

}  // namespace privtest

using namespace privtest;

TEST_CASE("privilege violations at depth 1 name the child, region, privilege, holdings and spawn site", "[deps][privilege]") {
  SECTION("read while holding nothing on the region") { check_violation<ReadHoldingNothing>(1); }
  SECTION("write while holding read") { check_violation<WriteHoldingRead>(1); }
  SECTION("read_write while holding read") { check_violation<ReadWriteHoldingRead>(1); }
  SECTION("reduce<Sum> while holding read") { check_violation<SumHoldingRead>(1); }
  SECTION("reduce<Sum> while holding reduce<Max>") { check_violation<SumHoldingMax>(1); }
  SECTION("a box partly outside the piece held") { check_violation<PartlyOutside>(1); }
}

TEST_CASE("privilege violations at depth 5 (the region passed down a chain)", "[deps][privilege]") {
  SECTION("read while holding nothing on the region") { check_violation<ReadHoldingNothing>(5); }
  SECTION("write while holding read") { check_violation<WriteHoldingRead>(5); }
  SECTION("read_write while holding read") { check_violation<ReadWriteHoldingRead>(5); }
  SECTION("reduce<Sum> while holding read") { check_violation<SumHoldingRead>(5); }
  SECTION("reduce<Sum> while holding reduce<Max>") { check_violation<SumHoldingMax>(5); }
  SECTION("a box partly outside the piece held") { check_violation<PartlyOutside>(5); }
}

TEST_CASE("allowed requests pass the check and take effect", "[deps][privilege]") {
  const int depth = GENERATE(1, 5);
  SECTION("read while holding read_write") { check_allowed<ReadHoldingReadWrite>(depth); }
  SECTION("reduce<Sum> while holding reduce<Sum>") { check_allowed<SumHoldingSum>(depth); }
  SECTION("write on a piece while holding write") { check_allowed<WriteHoldingWrite>(depth); }
  SECTION("read_write while holding write") { check_allowed<ReadWriteHoldingWrite>(depth); }
  SECTION("reduce<Max> while holding read_write") { check_allowed<MaxHoldingReadWrite>(depth); }
}

TEST_CASE("a box covered only by the union of two held pieces is allowed", "[deps][privilege]") {
  const int depth = GENERATE(1, 5);
  canopy::Config cfg;
  cfg.workers = 2;
  canopy::Runtime rt(cfg);
  std::vector<long> v = rt.run(two_pieces_top, depth);
  CHECK(holder_depth == depth);
  CHECK(spawn_returned);
  for (std::int64_t i = 0; i < kN; ++i) CHECK(v.at(static_cast<std::size_t>(i)) == initial(i) + (i >= 6 && i < 10 ? 100 : 0));
}

TEST_CASE("a PrivilegeError nobody catches reaches rt.run and leaves data and runtime sound", "[deps][privilege]") {
  const int depth = GENERATE(1, 5);
  const int workers = GENERATE(1, 2, 8);
  canopy::Config cfg;
  cfg.workers = workers;
  canopy::Runtime rt(cfg);
  std::vector<R1> keep;
  holder_depth = -1;
  try {
    rt.run(uncaught_top, depth, &keep);
    FAIL("rt.run returned although a task's spawn asked for more than its parent holds");
  } catch (const canopy::PrivilegeError& e) {
    const std::string what = e.what();
    INFO("what(): " << what);
    CHECK_THAT(what, Contains(std::string("privilege_test.cpp:") + std::to_string(spawn_line) + ":"));
    CHECK_THAT(what, Contains("spawns 'privtest::leaf_read("));
    CHECK_THAT(what, Contains("read on region #" + std::to_string(asked_id) + " [4, 12)"));
    CHECK_THAT(what, Contains("it holds only read_write on [0, 8) there ([8, 12) is not covered)"));
  }
  CHECK(holder_depth == depth);
  // Every task has finished: the data is what the tasks that ran wrote, and nothing else.
  const canopy::Read<long> v = canopy_test::peek(keep.at(0)), other = canopy_test::peek(keep.at(1));
  for (std::int64_t i = 0; i < kN; ++i) CHECK(v[i] == (i < 8 ? initial(i) : 77));
  for (long x : other) CHECK(x == 5);
  // The runtime is still usable, and the check still lets valid work through.
  std::vector<long> after = rt.run(two_pieces_top, depth);
  for (std::int64_t i = 0; i < kN; ++i) CHECK(after.at(static_cast<std::size_t>(i)) == initial(i) + (i >= 6 && i < 10 ? 100 : 0));
}

TEST_CASE("PrivilegeError is a canopy::Error", "[deps][privilege]") {
  canopy::Config cfg;
  cfg.workers = 1;
  canopy::Runtime rt(cfg);
  std::vector<R1> keep;
  CHECK_THROWS_AS(rt.run(uncaught_top, 1, &keep), canopy::PrivilegeError);
  CHECK_THROWS_AS(rt.run(uncaught_top, 1, &keep), canopy::Error);
  CHECK_THROWS_AS(rt.run(uncaught_top, 1, &keep), std::runtime_error);
}
