// Tasks and futures across ranks, with every rank a Runtime in this process, connected by loopback
// transports: the protocol of runtime/remote without UCX or a launcher.
#include <canopy/canopy.hpp>
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "comm/transport.hpp"
#include "runtime/remote/remote.hpp"
#include "tests/remote/remote_tasks.hpp"

namespace {

canopy::Config two_unpinned_workers() {
  canopy::Config c;
  c.workers = 2;
  c.pin_workers = false;
  return c;
}

/// run_job runs top on an n-rank job whose ranks are threads of this process (2 workers each, so that
/// a 2-core machine is oversubscribed); returns what rank 0's run returned.
template <class F>
auto run_job(int n, F top, int runs = 1) {
  auto transports = canopy::comm::make_loopback_transports(n);
  std::vector<std::thread> others;
  for (int r = 1; r < n; ++r)
    others.emplace_back([t = std::move(transports[static_cast<std::size_t>(r)]), top, runs]() mutable {
      canopy::rt::set_next_transport(std::move(t));
      canopy::Runtime rt(two_unpinned_workers());
      for (int i = 0; i < runs; ++i) (void)rt.run(top);
    });
  struct Join {
    std::vector<std::thread>& threads;
    ~Join() {
      for (auto& t : threads) t.join();
    }
  } join{others};
  canopy::rt::set_next_transport(std::move(transports[0]));
  canopy::Runtime rt(two_unpinned_workers());
  for (int i = 1; i < runs; ++i) (void)rt.run(top);
  return rt.run(top);
}

}  // namespace

using namespace canopy_test_remote;

TEST_CASE("a task placed on another rank runs there and its result comes back", "[remote]") {
  auto where = run_job(3, [](canopy::Context& ctx) {
    std::vector<int> ranks;
    for (int r = 0; r < ctx.ranks(); ++r) ranks.push_back(ctx.spawn(canopy::on_rank(r), rank_of_task).get());
    return ranks;
  });
  CHECK(where == std::vector<int>{0, 1, 2});
}

TEST_CASE("a tree that spawns back and forth across ranks computes fib", "[remote]") {
  CHECK(run_job(3, [](canopy::Context& ctx) { return ctx.spawn(ping_pong_fib, 15).get(); }) == 610);
}

TEST_CASE("strings and vectors travel both ways", "[remote]") {
  auto out = run_job(2, [](canopy::Context& ctx) {
    return ctx.spawn(canopy::on_rank(1), label_each, std::string("item"), std::vector<int>{3, 1, 4}).get();
  });
  CHECK(out == std::vector<std::string>{"item-3@1", "item-1@1", "item-4@1"});
}

TEST_CASE("a future of rank 0 is read on rank 1", "[remote]") {
  auto v = run_job(2, [](canopy::Context& ctx) {
    canopy::Future<long> slow = ctx.spawn(slow_value, 41L);
    canopy::Future<long> copy = slow;  // rank 0 still reads it after rank 1 did
    long there = ctx.spawn(canopy::on_rank(1), add_one_to, std::move(slow)).get();
    return there + copy.get();
  });
  CHECK(v == 42 + 41);
}

TEST_CASE("a future returns to its owner through another rank", "[remote]") {
  auto v = run_job(2, [](canopy::Context& ctx) {
    canopy::Future<long> f = ctx.spawn(slow_value, 7L);
    return ctx.spawn(canopy::on_rank(1), bounce_to_rank0, std::move(f)).get();
  });
  CHECK(v == 8);
}

TEST_CASE("an exception from a remote grandchild reaches the root as RemoteError", "[remote]") {
  std::string what;
  try {
    run_job(3, [](canopy::Context& ctx) { return ctx.spawn(canopy::on_rank(1), throw_from_rank2, 5).get(); });
  } catch (const canopy::RemoteError& e) {
    what = e.what();
  }
  CHECK_THAT(what, Catch::Contains("throw_on_rank"));
  CHECK_THAT(what, Catch::Contains("rank 2"));
  CHECK_THAT(what, Catch::Contains("std::invalid_argument"));
  CHECK_THAT(what, Catch::Contains("bad input 5"));
}

TEST_CASE("a capturing lambda spawned on another rank is refused at the spawn", "[remote]") {
  auto msg = run_job(2, [](canopy::Context& ctx) {
    int captured = 3;
    try {
      ctx.spawn(canopy::on_rank(1), [captured](canopy::Context&) { return captured; }).get();
    } catch (const canopy::RemoteError& e) {
      return std::string(e.what());
    }
    return std::string("not refused");
  });
  CHECK_THAT(msg, Catch::Contains("cannot travel"));
  CHECK_THAT(msg, Catch::Contains("captures state"));
  // On its own rank the same lambda is an ordinary spawn.
  CHECK(run_job(2, [](canopy::Context& ctx) {
          int captured = 3;
          return ctx.spawn(canopy::on_rank(0), [captured](canopy::Context&) { return captured; }).get();
        }) == 3);
}

TEST_CASE("a captureless lambda travels", "[remote]") {
  CHECK(run_job(2, [](canopy::Context& ctx) {
          return ctx.spawn(canopy::on_rank(1), [](canopy::Context& c, int x) { return x * 10 + c.rank(); }, 4).get();
        }) == 41);
}

TEST_CASE("several runs in a row end on every rank", "[remote]") {
  CHECK(run_job(3, [](canopy::Context& ctx) { return ctx.spawn(canopy::on_rank(2), rank_of_task).get(); }, 4) == 2);
}

TEST_CASE("many remote children in flight all complete", "[remote]") {
  auto sum = run_job(2, [](canopy::Context& ctx) {
    std::vector<canopy::Future<long>> fs;
    for (long i = 0; i < 2000; ++i) fs.push_back(ctx.spawn(canopy::on_rank(1), square, i));
    long s = 0;
    for (auto& f : fs) s += f.get();
    return s;
  });
  CHECK(sum == 1999L * 2000 * 3999 / 6);
}

namespace canopy_test_remote {
struct Unsendable {
  std::string text;  // not trivially copyable, and no Serializer
};
// Outside an anonymous namespace: the message names a plain function by its exported symbol.
int read_unsendable(canopy::Context&, Unsendable u) { return static_cast<int>(u.text.size()); }
}  // namespace canopy_test_remote

namespace canopy_test_remote {
/// Token is move-only and travels through its own Serializer.
struct Token {
  std::unique_ptr<int> value;
};
inline Token make_token(canopy::Context& ctx, int x) { return Token{std::make_unique<int>(x * 10 + ctx.rank())}; }
}  // namespace canopy_test_remote

template <>
struct canopy::Serializer<canopy_test_remote::Token> {
  static void write(canopy::Writer& out, const canopy_test_remote::Token& t) { out.write(*t.value); }
  static canopy_test_remote::Token read(canopy::Reader& in) { return {std::make_unique<int>(in.read<int>())}; }
};

TEST_CASE("a move-only result with its own Serializer comes back", "[remote]") {
  CHECK(run_job(2, [](canopy::Context& ctx) { return *ctx.spawn(canopy::on_rank(1), make_token, 4).get().value; }) == 41);
}

TEST_CASE("an argument that cannot travel is refused at the spawn, naming its type", "[remote]") {
  auto msg = run_job(2, [](canopy::Context& ctx) {
    try {
      ctx.spawn(canopy::on_rank(1), read_unsendable, Unsendable{"abc"}).get();
    } catch (const canopy::RemoteError& e) {
      return std::string(e.what());
    }
    return std::string("not refused");
  });
  CHECK_THAT(msg, Catch::Contains("no canopy::Serializer"));
  CHECK_THAT(msg, Catch::Contains("Unsendable"));
  CHECK_THAT(msg, Catch::Contains("read_unsendable"));
}
