// Index launches over pieces: canopy::each(partition) inside a request gives point i of spawn_each the
// request on piece i; a 2-D region's rows partitioned like a 1-D partition; rows(lo, hi).
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "../test_support.hpp"

using canopy_test::runtime_config;
using Catch::Matchers::Contains;

namespace {

void stamp(canopy::Context&, std::size_t i, canopy::Write<long> piece, canopy::Read<long> shared) {
  for (std::int64_t k = piece.bounds().lo[0]; k < piece.bounds().hi[0]; ++k) piece[k] = long(i) * 100 + shared[0];
}

double row_dot(canopy::Context&, std::size_t, canopy::Read<double, 2> x, canopy::Read<double> y) {
  // Point i's rows of X and the same rows of y: the pieces are aligned.
  if (x.bounds().lo[0] != y.bounds().lo[0] || x.bounds().hi[0] != y.bounds().hi[0]) throw canopy::Error("pieces not aligned");
  double s = 0;
  for (std::int64_t r = x.bounds().lo[0]; r < x.bounds().hi[0]; ++r)
    for (std::int64_t c = x.bounds().lo[1]; c < x.bounds().hi[1]; ++c) s += x(r, c) * y[r];
  return s;
}

void fill_2d(canopy::Context&, canopy::Write<double, 2> x) {
  for (std::int64_t r = x.bounds().lo[0]; r < x.bounds().hi[0]; ++r)
    for (std::int64_t c = x.bounds().lo[1]; c < x.bounds().hi[1]; ++c) x(r, c) = double(r * 10 + c);
}
void fill_1d(canopy::Context&, canopy::Write<double> y) {
  for (std::int64_t r = y.bounds().lo[0]; r < y.bounds().hi[0]; ++r) y[r] = double(r + 1);
}

}  // namespace

TEST_CASE("spawn_each with canopy::each gives point i the request on piece i", "[layers][each]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  std::vector<long> got = rt.run([](canopy::Context& ctx) {
    auto v = ctx.create_region<long>(40);
    auto shared = ctx.create_region<long>(1);
    ctx.access(canopy::write(shared))[0] = 7;
    auto parts = v.partition_equal(8);
    ctx.spawn_each(parts.size(), stamp, canopy::write(canopy::each(parts)), canopy::read(shared));
    auto r = ctx.access(canopy::read(v));
    return std::vector<long>(r.begin(), r.end());
  });
  REQUIRE(got.size() == 40);
  for (std::size_t k = 0; k < got.size(); ++k) CHECK(got[k] == long(k / 5) * 100 + 7);
}

TEST_CASE("spawn_each over fewer pieces than points is refused with the counts", "[layers][each]") {
  canopy::Runtime rt(runtime_config(2));
  std::string what;
  rt.run([&](canopy::Context& ctx) {
    auto v = ctx.create_region<long>(8);
    auto shared = ctx.create_region<long>(1);
    try {
      ctx.spawn_each(5, stamp, canopy::write(canopy::each(v.partition_equal(4))), canopy::read(shared));
    } catch (const canopy::Error& e) {
      what = e.what();
    }
  });
  CHECK_THAT(what, Contains("launches 5 points") && Contains("partition of 4 pieces"));
}

TEST_CASE("a 2-D region partitioned by the rows of a 1-D partition lines its pieces up with it", "[layers][each]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  const double total = rt.run([](canopy::Context& ctx) {
    auto x = ctx.create_region<double, 2>({12, 3});
    auto y = ctx.create_region<double>(12);
    ctx.spawn(fill_2d, canopy::write(x));
    ctx.spawn(fill_1d, canopy::write(y));
    auto ys = y.partition_equal(4);
    auto xs = x.partition_rows_like(ys);
    CHECK(xs.size() == 4);
    CHECK(xs[2].bounds().lo[0] == ys[2].bounds().lo[0]);
    CHECK(xs[2].bounds().hi[1] == 3);
    auto parts = ctx.spawn_each(4, row_dot, canopy::read(canopy::each(xs)), canopy::read(canopy::each(ys))).get();
    double s = 0;
    for (double p : parts) s += p;
    return s;
  });
  double expect = 0;
  for (int r = 0; r < 12; ++r)
    for (int c = 0; c < 3; ++c) expect += double(r * 10 + c) * double(r + 1);
  CHECK(total == expect);
}

TEST_CASE("rows(lo, hi) takes every column of those rows", "[layers][each]") {
  canopy::Runtime rt(runtime_config(1));
  rt.run([](canopy::Context& ctx) {
    auto x = ctx.create_region<double, 2>({6, 4});
    auto band = x.rows(2, 5);
    CHECK(band.bounds().lo[0] == 2);
    CHECK(band.bounds().hi[0] == 5);
    CHECK(band.bounds().lo[1] == 0);
    CHECK(band.bounds().hi[1] == 4);
  });
}
