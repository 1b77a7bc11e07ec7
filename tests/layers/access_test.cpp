// Reading in the parent (ctx.access): the task waits for the earlier children whose requests conflict,
// gets an accessor, and later conflicting children wait until that accessor is gone; requests made
// from accessors (canopy::read(acc)); a region a child creates and returns belongs to its receiver.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "../test_support.hpp"

using canopy_test::runtime_config;
using Catch::Matchers::Contains;

namespace {

using R1 = canopy::Region<long>;

void slow_fill(canopy::Context&, canopy::Write<long> w, long value) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // still running when the parent asks
  for (long& v : w) v = value;
}

long sum_of(canopy::Context&, canopy::Read<long> r) {
  long s = 0;
  for (long v : r) s += v;
  return s;
}

void add_one(canopy::Context&, canopy::ReadWrite<long> rw) {
  for (long& v : rw) v += 1;
}

}  // namespace

TEST_CASE("ctx.access(read) waits for the earlier writer child and sees what it wrote", "[layers][access]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  const long seen = rt.run([](canopy::Context& ctx) {
    R1 v = ctx.create_region<long>(64);
    ctx.spawn(slow_fill, canopy::write(v), 4L);
    canopy::Read<long> now = ctx.access(canopy::read(v));
    long s = 0;
    for (long x : now) s += x;
    return s;
  });
  CHECK(seen == 64 * 4);
}

TEST_CASE("a child that conflicts with a live accessor waits until the accessor is destroyed", "[layers][access]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  const long seen = rt.run([](canopy::Context& ctx) {
    R1 v = ctx.create_region<long>(16);
    canopy::Future<long> reader;
    {
      canopy::ReadWrite<long> mine = ctx.access(canopy::read_write(v));
      reader = ctx.spawn(sum_of, canopy::read(v));
      // Were the reader not ordered after the accessor, a worker would have run it by now.
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      for (long& x : mine) x = 7;
    }
    return reader.get();
  });
  CHECK(seen == 16 * 7);
}

TEST_CASE("copies of an accessor hold the mapping until the last one is destroyed", "[layers][access]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  const long seen = rt.run([](canopy::Context& ctx) {
    R1 v = ctx.create_region<long>(8);
    canopy::Future<long> reader;
    std::vector<canopy::Write<long>> copies;
    {
      canopy::Write<long> w = ctx.access(canopy::write(v));
      copies.push_back(w);
      copies.push_back(copies.front());
    }
    reader = ctx.spawn(sum_of, canopy::read(v));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    for (long& x : copies.back()) x = 3;
    copies.clear();
    return reader.get();
  });
  CHECK(seen == 8 * 3);
}

TEST_CASE("children on other pieces run while the parent holds an accessor to one piece", "[layers][access]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  const long seen = rt.run([](canopy::Context& ctx) {
    R1 v = ctx.create_region<long>(20);
    auto parts = v.partition_equal(2);
    canopy::ReadWrite<long> first = ctx.access(canopy::read_write(parts[0]));
    ctx.spawn(slow_fill, canopy::write(parts[1]), 2L).get();  // no conflict: finishes under the accessor
    for (long& x : first) x = 1;
    long s = ctx.spawn(sum_of, canopy::read(parts[1])).get();
    return s + std::accumulate(first.begin(), first.end(), 0L);
  });
  CHECK(seen == 10 * 2 + 10 * 1);
}

TEST_CASE("ctx.access orders a read-write between writers and readers in program order", "[layers][access]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  const long seen = rt.run([](canopy::Context& ctx) {
    R1 v = ctx.create_region<long>(32);
    long last = 0;
    for (int round = 0; round < 50; ++round) {
      ctx.spawn(add_one, canopy::read_write(v));
      {
        canopy::ReadWrite<long> rw = ctx.access(canopy::read_write(v));
        for (long& x : rw) x *= 2;
      }
      ctx.spawn(add_one, canopy::read_write(v));
      last = ctx.access(canopy::read(v))[5];
    }
    return last;
  });
  long expect = 0;
  for (int round = 0; round < 50; ++round) expect = (expect + 1) * 2 + 1;
  CHECK(seen == expect);
}

TEST_CASE("ctx.access without the privilege is a PrivilegeError naming the task, region, privilege and line",
          "[layers][access]") {
  canopy::Runtime rt(runtime_config(2));
  int line = 0;
  std::string what;
  rt.run([&](canopy::Context& ctx) {
    R1 v = ctx.create_region<long>(10);
    ctx.spawn(
           [&line, &what](canopy::Context& c, canopy::Read<long> r) {
             try {
               line = __LINE__ + 1;
               c.access(canopy::write(r.region()));
             } catch (const canopy::PrivilegeError& e) {
               what = e.what();
             }
           },
           canopy::read(v))
        .get();
  });
  CHECK_THAT(what, Contains("ctx.access") && Contains("write on region #") && Contains("holds only read") &&
                       Contains("access_test.cpp:" + std::to_string(line)));
}

TEST_CASE("ctx.access through another task's Context is refused", "[layers][access]") {
  canopy::Runtime rt(runtime_config(2));
  std::string what;
  rt.run([&](canopy::Context& ctx) {
    R1 v = ctx.create_region<long>(4);
    ctx.spawn([&](canopy::Context&) {
         try {
           ctx.access(canopy::read(v));
         } catch (const canopy::Error& e) {
           what = e.what();
         }
       }).get();
  });
  CHECK_THAT(what, Contains("ctx.access through the Context of"));
}

TEST_CASE("canopy::read(acc) requests the accessor's region", "[layers][access]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  const long seen = rt.run([](canopy::Context& ctx) {
    R1 v = ctx.create_region<long>(12);
    ctx.spawn(slow_fill, canopy::write(v), 5L);
    return ctx
        .spawn(
            [](canopy::Context& c, canopy::ReadWrite<long> rw) {
              c.spawn(add_one, canopy::read_write(rw));    // from a ReadWrite accessor
              return c.spawn(sum_of, canopy::read(rw)).get();  // ordered after add_one
            },
            canopy::read_write(v))
        .get();
  });
  CHECK(seen == 12 * 6);
}

namespace {
struct Dataset {
  R1 x;
  std::vector<R1> extra;
};
R1 make_region(canopy::Context& ctx, std::size_t n) {
  R1 r = ctx.create_region<long>(n);
  ctx.spawn(slow_fill, canopy::write(r), 9L);
  return r;
}
Dataset make_dataset(canopy::Context& ctx) {
  Dataset d{ctx.spawn(make_region, std::size_t{6}).get(), {}};  // a grandchild's region, passed up
  d.extra.push_back(ctx.create_region<long>(3));
  return d;
}
}  // namespace

TEST_CASE("a region a child creates and returns is held read-write by the task that gets the result",
          "[layers][access]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  const long seen = rt.run([](canopy::Context& ctx) {
    R1 made = ctx.spawn(make_region, std::size_t{10}).get();
    ctx.spawn(add_one, canopy::read_write(made));
    Dataset d = ctx.spawn(make_dataset).get();
    ctx.spawn(add_one, canopy::read_write(d.x));
    ctx.spawn(slow_fill, canopy::write(d.extra[0]), 1L);
    return ctx.access(canopy::read(made))[0] + ctx.access(canopy::read(d.x))[0] + ctx.access(canopy::read(d.extra[0]))[2];
  });
  CHECK(seen == 10 + 10 + 1);
}
