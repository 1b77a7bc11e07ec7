// Region basics: creation (zeroed, 1-D and 2-D), partition_equal, user-box partitions and disjoint(),
// sub() bounds checks, accessors (global indices, contiguous ranges, 2-D (i, j), Reduce +=), checked
// out-of-bounds access, empty regions, and regions being freed once no handle and no task uses them.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using Catch::Matchers::Contains;

namespace regtest {

using R1 = canopy::Region<long>;
using R2 = canopy::Region<int, 2>;

canopy::Config one_worker() {
  canopy::Config c;
  c.workers = 1;
  return c;
}

R1 make_1d(canopy::Context& ctx, std::size_t n) { return ctx.create_region<long>(n); }
R2 make_2d(canopy::Context& ctx, std::size_t rows, std::size_t cols) { return ctx.create_region<int, 2>({rows, cols}); }

/// A task's findings come back as text: empty when all is well (Catch is not used off the main thread).
using Findings = std::string;
void expect(Findings& f, bool ok, const std::string& what) {
  if (!ok) f += what + "\n";
}

// ---- creation -----------------------------------------------------------------------------------------

Findings zeros_1d(canopy::Context&, canopy::Read<long> r) {
  Findings f;
  for (std::int64_t i = r.bounds().lo[0]; i < r.bounds().hi[0]; ++i) expect(f, r[i] == 0, "1-D element " + std::to_string(i) + " is not zero");
  return f;
}
Findings zeros_2d(canopy::Context&, canopy::Read<int, 2> r) {
  Findings f;
  for (std::int64_t i = r.bounds().lo[0]; i < r.bounds().hi[0]; ++i)
    for (std::int64_t j = r.bounds().lo[1]; j < r.bounds().hi[1]; ++j) expect(f, r(i, j) == 0, "2-D element is not zero");
  return f;
}
Findings creation_top(canopy::Context& ctx) {
  Findings f;
  R1 small = ctx.create_region<long>(100);
  R1 big = ctx.create_region<long>(1 << 17);  // past the calloc / mmap threshold
  R2 m = ctx.create_region<int, 2>({7, 13});
  expect(f, small.size() == 100 && big.size() == (1u << 17) && m.size() == 91, "sizes");
  expect(f, small.bounds().lo[0] == 0 && small.bounds().hi[0] == 100, "1-D bounds");
  expect(f, m.bounds().lo == std::array<std::int64_t, 2>{0, 0} && m.bounds().hi == std::array<std::int64_t, 2>{7, 13}, "2-D bounds");
  expect(f, small.id() != big.id() && big.id() != m.id() && small.id() != 0, "ids are distinct and non-zero");
  f += ctx.spawn(zeros_1d, canopy::read(small)).get();
  f += ctx.spawn(zeros_1d, canopy::read(big)).get();
  f += ctx.spawn(zeros_2d, canopy::read(m)).get();
  return f;
}

// ---- accessors ----------------------------------------------------------------------------------------

Findings squares(canopy::Context&, canopy::Write<long> w) {
  Findings f;
  expect(f, w.size() == 5 && w.bounds().lo[0] == 5 && w.bounds().hi[0] == 10, "piece accessor covers [5, 10)");
  for (std::int64_t i = 5; i < 10; ++i) w[i] = i * i;  // global indices
  expect(f, w.data() == &w[5] && w.begin() == &w[5] && w.end() == &w[9] + 1, "data()/begin()/end() span the piece");
  expect(f, w.region().bounds().lo[0] == 5, "region() is the piece");
  return f;
}
Findings check_squares(canopy::Context&, canopy::Read<long> r) {
  Findings f;
  for (std::int64_t i = 0; i < 20; ++i) expect(f, r[i] == (i >= 5 && i < 10 ? i * i : 0), "element " + std::to_string(i));
  long via_iter = 0;
  for (long v : r) via_iter += v;
  expect(f, via_iter == 25 + 36 + 49 + 64 + 81, "begin()/end() over the whole region");
  return f;
}
Findings grid(canopy::Context&, canopy::Write<int, 2> w) {
  for (std::int64_t i = 0; i < 6; ++i)
    for (std::int64_t j = 0; j < 8; ++j) w(i, j) = static_cast<int>(100 * i + j);
  return {};
}
Findings full_rows(canopy::Context&, canopy::ReadWrite<int, 2> rows) {
  Findings f;
  expect(f, rows.size() == 16, "rows [2, 4) hold 16 elements");
  const int* d = rows.data();
  for (std::size_t k = 0; k < rows.size(); ++k)
    expect(f, d[k] == static_cast<int>(100 * (2 + k / 8) + k % 8), "data()[" + std::to_string(k) + "] is (2 + k / 8, k % 8)");
  expect(f, rows.end() - rows.begin() == 16, "begin()/end() span the rows");
  for (int& x : rows) x += 1;
  return f;
}
Findings one_row_part(canopy::Context&, canopy::Read<int, 2> r) {
  Findings f;
  expect(f, r.size() == 4 && r.data() == &r(1, 2) && r.end() == &r(1, 5) + 1, "a part of one row is contiguous");
  return f;
}
Findings not_contiguous(canopy::Context&, canopy::Read<int, 2> r) {
  Findings f;
  expect(f, r(2, 3) == 204 && r(1, 2) == 102, "(i, j) reads by global indices");
  try {
    (void)r.data();
    f += "data() of a box that is not whole rows did not throw\n";
  } catch (const canopy::Error& e) {
    expect(f, std::string(e.what()).find("contiguous") != std::string::npos, std::string("message: ") + e.what());
  }
  return f;
}
Findings accessor_top(canopy::Context& ctx) {
  Findings f;
  R1 v = ctx.create_region<long>(20);
  auto parts = v.partition_equal(4);
  f += ctx.spawn(squares, canopy::write(parts[1])).get();
  f += ctx.spawn(check_squares, canopy::read(v)).get();
  R2 m = ctx.create_region<int, 2>({6, 8});
  ctx.spawn(grid, canopy::write(m));
  f += ctx.spawn(full_rows, canopy::read_write(m.sub({{2, 0}, {4, 8}}))).get();
  f += ctx.spawn(one_row_part, canopy::read(m.sub({{1, 2}, {2, 6}}))).get();
  f += ctx.spawn(not_contiguous, canopy::read(m.sub({{1, 2}, {3, 6}}))).get();
  return f;
}

/// own_region is spawned without privileges, so its parent's get() runs it inline; what it creates
/// and the ordering of its children must be freed on that path too (LeakSanitizer says if not).
Findings own_region(canopy::Context& ctx) {
  R1 v = ctx.create_region<long>(20);
  Findings f = ctx.spawn(squares, canopy::write(v.partition_equal(4)[1])).get();
  return f + ctx.spawn(check_squares, canopy::read(v)).get();
}
Findings inline_top(canopy::Context& ctx) {
  Findings f;
  for (int k = 0; k < 3; ++k) f += ctx.spawn(own_region).get();
  return f;
}

// ---- reductions ---------------------------------------------------------------------------------------

void add_i(canopy::Context&, std::size_t i, canopy::Reduce<long, canopy::Sum> total) { total += static_cast<long>(i); }
void max_i(canopy::Context&, std::size_t i, canopy::Reduce<long, canopy::Max> best) { best += static_cast<long>(i * 7 % 23); }
long read_one(canopy::Context&, canopy::Read<long> r) { return r[r.bounds().lo[0]]; }
void fold_2d(canopy::Context&, canopy::Reduce<int, canopy::Sum, 2> acc) {
  for (std::int64_t i = acc.bounds().lo[0]; i < acc.bounds().hi[0]; ++i)
    for (std::int64_t j = acc.bounds().lo[1]; j < acc.bounds().hi[1]; ++j) acc.fold(i, j, static_cast<int>(i + j));
}
Findings sum_2d(canopy::Context&, canopy::Read<int, 2> r) {
  Findings f;
  for (std::int64_t i = 0; i < 3; ++i)
    for (std::int64_t j = 0; j < 4; ++j) expect(f, r(i, j) == 5 * static_cast<int>(i + j), "2-D reduction element");
  return f;
}
Findings plus_eq_many(canopy::Context&, canopy::Reduce<long, canopy::Sum> acc) {
  try {
    acc += 1;
  } catch (const canopy::Error&) {
    return {};
  }
  return "Reduce += on an accessor of 4 elements did not throw\n";
}
std::vector<long> reduce_top(canopy::Context& ctx) {
  R1 total = ctx.create_region<long>(1);
  R1 best = ctx.create_region<long>(1);
  ctx.spawn_each(10, add_i, canopy::reduce<canopy::Sum>(total));
  ctx.spawn_each(23, max_i, canopy::reduce<canopy::Max>(best));
  R2 m = ctx.create_region<int, 2>({3, 4});
  for (int k = 0; k < 5; ++k) ctx.spawn(fold_2d, canopy::reduce<canopy::Sum>(m));
  Findings f = ctx.spawn(sum_2d, canopy::read(m)).get();
  R1 four = ctx.create_region<long>(4);
  f += ctx.spawn(plus_eq_many, canopy::reduce<canopy::Sum>(four)).get();
  if (!f.empty()) throw std::logic_error(f);
  return {ctx.spawn(read_one, canopy::read(total)).get(), ctx.spawn(read_one, canopy::read(best)).get()};
}

// ---- checked builds -----------------------------------------------------------------------------------

std::string oob_read(canopy::Context&, canopy::Read<long> r) {
  try {
    (void)r[10];
  } catch (const canopy::Error& e) {
    return e.what();
  }
  return "no error";
}
std::string oob_write_2d(canopy::Context&, canopy::Write<int, 2> w) {
  try {
    w(0, 8) = 1;
  } catch (const canopy::Error& e) {
    return e.what();
  }
  return "no error";
}
std::string oob_fold(canopy::Context&, canopy::Reduce<long, canopy::Sum> acc) {
  try {
    acc.fold(4, 1);
  } catch (const canopy::Error& e) {
    return e.what();
  }
  return "no error";
}
std::vector<std::string> oob_top(canopy::Context& ctx) {
  R1 v = ctx.create_region<long>(20);
  auto parts = v.partition_equal(4);  // parts[1] = [5, 10)
  R2 m = ctx.create_region<int, 2>({3, 8});
  return {ctx.spawn(oob_read, canopy::read(parts[1])).get(), ctx.spawn(oob_write_2d, canopy::write(m)).get(),
          ctx.spawn(oob_fold, canopy::reduce<canopy::Sum>(parts[1])).get()};
}

// ---- lifetime -----------------------------------------------------------------------------------------

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

void touch(canopy::Context&, canopy::Write<long> w) {
  for (long& x : w) x = 1;
}
long sum_all(canopy::Context&, canopy::Read<long> r) {
  long s = 0;
  for (long x : r) s += x;
  return s;
}
/// churn makes `count` regions of `n` elements; each is filled by a child that holds the only reference
/// (the handle is dropped at once) and summed by another. Returns the largest resident size seen
/// between iterations (the loop's task is still running: nothing has been joined by its exit).
std::vector<std::size_t> churn(canopy::Context& ctx, int count, std::size_t n, bool partitioned) {
  std::size_t peak = 0, wrong = 0;
  for (int k = 0; k < count; ++k) {
    canopy::Future<long> s;
    {
      R1 r = ctx.create_region<long>(n);
      if (partitioned) {  // pieces of a disjoint partition: the analyzer tracks them per partition
        auto parts = r.partition_equal(4);
        for (std::size_t i = 0; i < parts.size(); ++i) ctx.spawn(touch, canopy::write(parts[i]));
      } else {
        ctx.spawn(touch, canopy::write(r));
      }
      s = ctx.spawn(sum_all, canopy::read(r));
    }
    if (s.get() != static_cast<long>(n)) ++wrong;
    peak = std::max(peak, resident_bytes());
  }
  return {peak, wrong};
}
/// orphan spawns a child on a region whose handle it drops, and returns without waiting.
void orphan(canopy::Context& ctx, std::size_t n) { ctx.spawn(touch, canopy::write(ctx.create_region<long>(n))); }

// ---- empty regions ------------------------------------------------------------------------------------

std::size_t count(canopy::Context&, canopy::Read<long> r) { return static_cast<std::size_t>(r.end() - r.begin()); }
std::string empty_top(canopy::Context& ctx, int which) {
  R1 v = ctx.create_region<long>(8);
  R1 none = ctx.create_region<long>(0);
  try {
    switch (which) {
      case 0: return std::to_string(ctx.spawn(count, canopy::read(none)).get());
      case 1: return std::to_string(ctx.spawn(count, canopy::read(v.sub({{8}, {8}}))).get());
      default: return std::to_string(ctx.spawn(count, canopy::read(v.sub({{3}, {3}}))).get());
    }
  } catch (const canopy::Error& e) {
    return e.what();
  }
}

}  // namespace regtest

using namespace regtest;

TEST_CASE("create_region makes zero-initialised 1-D and 2-D regions", "[deps][region]") {
  canopy::Runtime rt(one_worker());
  const Findings f = rt.run(creation_top);
  CHECK(f.empty());
  INFO(f);
}

TEST_CASE("partition_equal covers the region exactly with disjoint near-equal blocks", "[deps][region]") {
  canopy::Runtime rt(one_worker());
  for (std::size_t n : {1u, 2u, 7u, 16u, 100u, 1001u}) {
    R1 root = rt.run(make_1d, n);
    for (R1 v : {root, root.sub({{0}, {static_cast<std::int64_t>(n)}}), n > 2 ? root.sub({{1}, {static_cast<std::int64_t>(n) - 1}}) : root}) {
      const std::int64_t lo = v.bounds().lo[0], hi = v.bounds().hi[0], len = hi - lo;
      for (std::size_t k : {1u, 2u, 3u, 7u, 16u, 33u}) {
        INFO("region [" << lo << ", " << hi << ") in " << k << " pieces");
        auto parts = v.partition_equal(k);
        REQUIRE(parts.size() == k);
        CHECK(parts.disjoint());
        std::int64_t at = lo;
        for (std::size_t i = 0; i < k; ++i) {
          const canopy::Rect<1> b = parts[i].bounds();
          CHECK(b.lo[0] == at);
          CHECK(b.hi[0] >= b.lo[0]);
          const std::int64_t size = b.hi[0] - b.lo[0];
          CHECK(size >= len / static_cast<std::int64_t>(k));
          CHECK(size <= (len + static_cast<std::int64_t>(k) - 1) / static_cast<std::int64_t>(k));
          at = b.hi[0];
        }
        CHECK(at == hi);
        CHECK_THROWS_AS(parts[k], canopy::Error);
      }
    }
  }
  R2 m = rt.run(make_2d, std::size_t{10}, std::size_t{6});
  auto rows = m.partition_equal(3);
  CHECK(rows.disjoint());
  std::int64_t at = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const canopy::Rect<2> b = rows[i].bounds();
    CHECK(b.lo[0] == at);
    CHECK(b.lo[1] == 0);
    CHECK(b.hi[1] == 6);  // 2-D regions are cut along the first dimension
    at = b.hi[0];
  }
  CHECK(at == 10);
  CHECK_THROWS_AS(m.partition_equal(0), canopy::Error);
}

TEST_CASE("user-box partitions report disjoint() correctly", "[deps][region]") {
  canopy::Runtime rt(one_worker());
  R1 v = rt.run(make_1d, std::size_t{100});
  R2 m = rt.run(make_2d, std::size_t{10}, std::size_t{10});
  using B1 = canopy::Rect<1>;
  using B2 = canopy::Rect<2>;
  CHECK(v.partition(std::vector<B1>{{{0}, {10}}, {{10}, {20}}, {{50}, {100}}}).disjoint());  // touching is disjoint
  CHECK_FALSE(v.partition(std::vector<B1>{{{0}, {11}}, {{10}, {20}}}).disjoint());
  CHECK_FALSE(v.partition(std::vector<B1>{{{0}, {100}}, {{40}, {41}}}).disjoint());          // nested
  CHECK_FALSE(v.partition(std::vector<B1>{{{5}, {9}}, {{5}, {9}}}).disjoint());             // identical
  CHECK_FALSE(v.partition(std::vector<B1>{{{60}, {70}}, {{0}, {5}}, {{20}, {30}}, {{65}, {66}}}).disjoint());  // unsorted
  CHECK(v.partition(std::vector<B1>{{{60}, {70}}, {{0}, {5}}, {{20}, {30}}}).disjoint());
  CHECK(v.partition(std::vector<B1>{{{3}, {4}}}).disjoint());
  // 2-D: overlapping rows but separate columns are disjoint; a long box reaches past a short one.
  CHECK(m.partition(std::vector<B2>{{{0, 0}, {10, 5}}, {{0, 5}, {10, 10}}}).disjoint());
  CHECK_FALSE(m.partition(std::vector<B2>{{{0, 0}, {10, 1}}, {{1, 1}, {2, 2}}, {{3, 0}, {4, 1}}}).disjoint());
  CHECK(m.partition(std::vector<B2>{{{0, 0}, {10, 1}}, {{1, 1}, {2, 2}}, {{3, 2}, {4, 3}}}).disjoint());
  // Random box sets against a brute-force answer.
  std::mt19937_64 rng(12345);
  auto pick = [&](std::int64_t n) {
    std::int64_t a = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n));
    std::int64_t b = a + 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n - a));
    return std::pair{a, b};
  };
  for (int t = 0; t < 2000; ++t) {
    const std::size_t count = 1 + rng() % 6;
    std::vector<B2> boxes;
    for (std::size_t i = 0; i < count; ++i) {
      auto [a, b] = pick(10);
      auto [c, d] = pick(10);
      boxes.push_back(B2{{a, c}, {b, d}});
    }
    bool want = true;
    for (std::size_t i = 0; i < count; ++i)
      for (std::size_t j = i + 1; j < count; ++j)
        if (boxes[i].overlaps(boxes[j])) want = false;
    auto p = m.partition(boxes);
    REQUIRE(p.size() == count);
    CHECK(p.disjoint() == want);
    for (std::size_t i = 0; i < count; ++i) CHECK(p[i].bounds() == boxes[i]);
  }
}

TEST_CASE("sub() and partition() check their bounds", "[deps][region]") {
  canopy::Runtime rt(one_worker());
  R1 v = rt.run(make_1d, std::size_t{10});
  CHECK(v.sub({{2}, {5}}).size() == 3);
  CHECK(v.sub({{0}, {10}}).size() == 10);
  CHECK_THROWS_AS(v.sub({{-1}, {3}}), canopy::Error);
  CHECK_THROWS_AS(v.sub({{3}, {11}}), canopy::Error);
  CHECK_THROWS_AS(v.sub({{5}, {3}}), canopy::Error);
  CHECK_THROWS_WITH(v.sub({{3}, {11}}), Contains("[3, 11)") && Contains("#" + std::to_string(v.id())));
  R1 piece = v.partition_equal(2)[1];  // [5, 10)
  CHECK_THROWS_AS(piece.sub({{2}, {7}}), canopy::Error);  // inside the root, not inside the piece
  CHECK(piece.sub({{6}, {8}}).bounds().lo[0] == 6);
  CHECK_THROWS_AS(v.partition(std::vector<canopy::Rect<1>>{{{0}, {5}}, {{8}, {12}}}), canopy::Error);
  R2 m = rt.run(make_2d, std::size_t{4}, std::size_t{6});
  CHECK(m.sub({{1, 2}, {3, 4}}).size() == 4);
  CHECK_THROWS_AS(m.sub({{0, 0}, {5, 6}}), canopy::Error);
  CHECK_THROWS_AS(m.sub({{0, 0}, {4, 7}}), canopy::Error);
  CHECK_THROWS_AS(m.sub({{0, -1}, {4, 6}}), canopy::Error);
  CHECK_THROWS_AS(m.sub({{3, 0}, {2, 6}}), canopy::Error);
  CHECK_THROWS_AS(m.partition(std::vector<canopy::Rect<2>>{{{0, 0}, {4, 7}}}), canopy::Error);
  R1 empty_handle;
  CHECK_FALSE(empty_handle.valid());
  CHECK(empty_handle.size() == 0);
  CHECK_THROWS_AS(empty_handle.sub({{0}, {0}}), canopy::Error);
  CHECK_THROWS_AS(empty_handle.partition_equal(2), canopy::Error);
}

TEST_CASE("sub() rejects a box inverted in the second dimension", "[deps][region]") {
  // lo > hi in dimension 1 is as malformed as in dimension 0 (which sub() rejects).
  canopy::Runtime rt(one_worker());
  R2 m = rt.run(make_2d, std::size_t{4}, std::size_t{6});
  CHECK_THROWS_AS(m.sub({{0, 5}, {2, 3}}), canopy::Error);
}

TEST_CASE("accessors: global indices, contiguous ranges, 2-D (i, j)", "[deps][region]") {
  const int workers = GENERATE(1, 2);
  canopy::Config cfg;
  cfg.workers = workers;
  canopy::Runtime rt(cfg);
  const Findings f = rt.run(accessor_top);
  INFO(f);
  CHECK(f.empty());
}

TEST_CASE("a child joined inline frees the regions and dependences it made", "[deps][region]") {
  canopy::Runtime rt(one_worker());  // nobody to steal the child: the get runs it inline
  const Findings f = rt.run(inline_top);
  INFO(f);
  CHECK(f.empty());
}

TEST_CASE("reductions: += on a one-element region, Max, 2-D folds", "[deps][region]") {
  const int workers = GENERATE(1, 2, 8);
  canopy::Config cfg;
  cfg.workers = workers;
  canopy::Runtime rt(cfg);
  const std::vector<long> got = rt.run(reduce_top);
  CHECK(got.at(0) == 45);
  CHECK(got.at(1) == 22);
}

TEST_CASE("out-of-bounds accessor use throws in checked builds", "[deps][region]") {
#if CANOPY_CHECKED
  canopy::Runtime rt(one_worker());
  const std::vector<std::string> what = rt.run(oob_top);
  CHECK_THAT(what.at(0), Contains("out-of-bounds") && Contains("(10)") && Contains("[5, 10)"));
  CHECK_THAT(what.at(1), Contains("out-of-bounds") && Contains("(0, 8)") && Contains("[0, 3) x [0, 8)"));
  CHECK_THAT(what.at(2), Contains("out-of-bounds") && Contains("reduce"));
#else
  WARN("not a checked build (CANOPY_CHECKED=OFF): out-of-bounds accesses are not checked; use the debug preset");
  SUCCEED();
#endif
}

TEST_CASE("regions are freed when no handle and no task uses them", "[deps][region]") {
  canopy::Config cfg;
  cfg.workers = 2;
  canopy::Runtime rt(cfg);
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  const std::size_t n = (4u << 20) / sizeof(long);  // 4 MiB a region (sanitizers shadow every byte)
#else
  const std::size_t n = (16u << 20) / sizeof(long);  // 16 MiB a region
#endif
  const bool partitioned = GENERATE(false, true);
  CHECK(rt.run(churn, 2, n, partitioned).at(1) == 0);
  const std::size_t before = resident_bytes();
  const std::vector<std::size_t> loop = rt.run(churn, 40, n, partitioned);  // 640 MiB if nothing were freed
  CHECK(loop.at(1) == 0);
  for (int k = 0; k < 8; ++k) rt.run(orphan, n);
  const std::size_t after = resident_bytes();
  INFO((partitioned ? "partitioned: " : "whole regions: ") << "resident before " << (before >> 20) << " MiB, at most " << (loop.at(0) >> 20) << " MiB during the loop, "
       << (after >> 20) << " MiB after");
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  WARN("sanitizer build: resident memory is not compared");
#else
  CHECK(loop.at(0) < before + (256u << 20));
  CHECK(after < before + (256u << 20));
#endif
}

TEST_CASE("empty regions and empty sub-regions can be passed to children", "[deps][region]") {
  canopy::Runtime rt(one_worker());
  CHECK(rt.run(empty_top, 2) == "0");  // an empty box inside the region
  CHECK(rt.run(empty_top, 1) == "0");  // an empty box at the region's end
  CHECK(rt.run(empty_top, 0) == "0");  // a region of no elements
}
