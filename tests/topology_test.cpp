// Core runtime: sockets and placement. A synthetic two-socket topology (hwloc's "package:2 core:4 pu:1")
// gives 8 workers, 4 per socket; steals should prefer the thief's own socket; ctx.info().socket is in
// range; on_socket(s) runs a task on a worker of socket s. Placement errors on this one-rank build.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <numeric>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "tree_workloads.hpp"

using namespace canopy_test;
using Catch::Matchers::Contains;

namespace {

constexpr const char* kTwoSockets = "package:2 core:4 pu:1";

canopy::Config two_socket_config() {
  canopy::Config cfg;
  cfg.workers = 8;
  cfg.topology = kTwoSockets;
  return cfg;
}

std::uint64_t busy_leaf(canopy::Context&, std::size_t i, std::uint64_t n) { return busy(n, i) & 1; }
std::uint64_t busy_branch(canopy::Context& ctx, std::size_t, std::size_t fan, std::uint64_t n) {
  auto all = ctx.spawn_each(fan, busy_leaf, n).get();
  return std::accumulate(all.begin(), all.end(), std::uint64_t{0});
}
std::uint64_t stealable(canopy::Context& ctx, std::size_t fan, std::uint64_t n) {
  auto all = ctx.spawn_each(fan, busy_branch, fan, n).get();
  return std::accumulate(all.begin(), all.end(), std::uint64_t{0});
}

struct Totals {
  std::uint64_t tasks = 0, local = 0, remote = 0, parks = 0;
};
Totals totals(const std::vector<canopy::WorkerStats>& stats) {
  Totals t;
  for (const auto& s : stats) {
    t.tasks += s.tasks;
    t.local += s.steals_local;
    t.remote += s.steals_remote;
    t.parks += s.parks;
  }
  return t;
}

}  // namespace

TEST_CASE("two synthetic sockets: 4 workers per socket, steals prefer the own socket", "[core][topology]") {
  canopy::Runtime rt(two_socket_config());
  REQUIRE(rt.workers() == 8);
  std::vector<canopy::WorkerStats> before = rt.worker_stats();
  REQUIRE(before.size() == 8);
  int per_socket[2] = {0, 0};
  for (std::size_t i = 0; i < before.size(); ++i) {
    CHECK(before[i].worker == static_cast<int>(i));
    REQUIRE(before[i].socket >= 0);
    REQUIRE(before[i].socket < 2);
    ++per_socket[before[i].socket];
  }
  CHECK(per_socket[0] == 4);
  CHECK(per_socket[1] == 4);

  for (int rep = 0; rep < 5; ++rep) rt.run(stealable, std::size_t{64}, std::uint64_t{20000});
  for (int rep = 0; rep < 3; ++rep) REQUIRE(rt.run(fib_task, 20) == 6765);

  std::vector<canopy::WorkerStats> after = rt.worker_stats();
  Totals t = totals(after);
  INFO("tasks " << t.tasks << ", local steals " << t.local << ", remote steals " << t.remote << ", parks "
                << t.parks);
  CHECK(t.tasks > 0);
  CHECK(t.local + t.remote > 0);
  CHECK(t.local > t.remote);
  for (const auto& s : after) {
    INFO("worker " << s.worker << " socket " << s.socket << " tasks " << s.tasks);
    CHECK(s.socket == before[static_cast<std::size_t>(s.worker)].socket);
  }
}

TEST_CASE("worker_stats counts the tasks run", "[core][topology]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  Totals t0 = totals(rt.worker_stats());
  CHECK(t0.tasks == 0);
  rt.run(stealable, std::size_t{32}, std::uint64_t{100});  // 1 + 32 + 32*32 tasks
  Totals t1 = totals(rt.worker_stats());
  INFO("workers " << w << ", tasks " << t1.tasks);
  // Tasks run inline by a get() are not counted; at least the root is taken from a queue.
  CHECK(t1.tasks >= 1);
  CHECK(t1.tasks <= 1 + 32 + 32 * 32);
  if (w == 1) CHECK(t1.local + t1.remote == 0);  // nobody to steal from
}

namespace {
struct Where {
  int socket_at_start;
  int worker_at_start;
  int socket_at_end;
  int worker_at_end;
};
struct Places {
  std::mutex m;
  std::vector<Where> seen;
};

void placed(canopy::Context& ctx, Places* p, bool wait_inside) {
  canopy::TaskInfo start = ctx.info();
  busy(2000);
  if (wait_inside) {
    // Children may be stolen by any socket; waiting for them may park this task.
    auto fs = ctx.spawn_each(8, [](canopy::Context&, std::size_t i) { return busy(3000, i) & 1; });
    fs.get();
  }
  canopy::TaskInfo end = ctx.info();
  std::lock_guard<std::mutex> lk(p->m);
  p->seen.push_back(Where{start.socket, start.worker, end.socket, end.worker});
}

void spawn_on_socket(canopy::Context& ctx, int socket, int n, Places* p, bool wait_inside) {
  // Keep the other socket's workers busy-ish too, so they are around to take what they can.
  auto noise = ctx.spawn(stealable, std::size_t{16}, std::uint64_t{2000});
  for (int i = 0; i < n; ++i) ctx.spawn(canopy::on_socket(socket), placed, p, wait_inside);
  noise.get();
}

std::vector<int> socket_workers(canopy::Runtime& rt, int socket) {
  std::vector<int> out;
  for (const auto& s : rt.worker_stats())
    if (s.socket == socket) out.push_back(s.worker);
  return out;
}
}  // namespace

TEST_CASE("ctx.info().socket is in range and on_socket(s) runs on a worker of socket s", "[core][topology]") {
  canopy::Runtime rt(two_socket_config());
  for (int socket : {1, 0}) {
    std::vector<int> mine = socket_workers(rt, socket);
    REQUIRE(mine.size() == 4);
    Places p;
    rt.run(spawn_on_socket, socket, 200, &p, false);
    REQUIRE(p.seen.size() == 200);
    int wrong = 0;
    for (const Where& w : p.seen) {
      CHECK(w.socket_at_start >= 0);
      CHECK(w.socket_at_start < 2);
      bool ok = w.socket_at_start == socket &&
                std::find(mine.begin(), mine.end(), w.worker_at_start) != mine.end();
      wrong += ok ? 0 : 1;
    }
    INFO("on_socket(" << socket << "): " << wrong << " of 200 tasks started on another socket's worker");
    CHECK(wrong == 0);
  }
}

TEST_CASE("an on_socket(1) task that parks resumes on socket 1", "[core][topology]") {
  canopy::Runtime rt(two_socket_config());
  Places p;
  rt.run(spawn_on_socket, 1, 100, &p, true);
  REQUIRE(p.seen.size() == 100);
  int started_elsewhere = 0, ended_elsewhere = 0;
  for (const Where& w : p.seen) {
    started_elsewhere += w.socket_at_start != 1;
    ended_elsewhere += w.socket_at_end != 1;
  }
  INFO(started_elsewhere << " of 100 started, " << ended_elsewhere << " of 100 ended off socket 1");
  CHECK(started_elsewhere == 0);
  CHECK(ended_elsewhere == 0);
}

TEST_CASE("HWLOC_SYNTHETIC and CANOPY_TOPOLOGY select a synthetic topology", "[core][topology]") {
  SECTION("CANOPY_TOPOLOGY") {
    EnvGuard g("CANOPY_TOPOLOGY", kTwoSockets);
    canopy::Runtime rt(runtime_config(8));
    CHECK(rt.config().topology == kTwoSockets);
    std::vector<int> s1 = socket_workers(rt, 1);
    CHECK(s1.size() == 4);
    CHECK(rt.run(fib_task, 15) == 610);
  }
  SECTION("HWLOC_SYNTHETIC") {
    EnvGuard g("HWLOC_SYNTHETIC", "package:2 core:3 pu:1");
    canopy::Runtime rt(runtime_config(0));  // one worker per (synthetic) core
    CHECK(rt.workers() == 6);
    CHECK(socket_workers(rt, 0).size() == 3);
    CHECK(socket_workers(rt, 1).size() == 3);
    CHECK(rt.run(fib_task, 15) == 610);
  }
}

TEST_CASE("more workers than synthetic cores, and fewer workers than sockets", "[core][topology]") {
  {
    canopy::Config cfg;
    cfg.workers = 12;
    cfg.topology = kTwoSockets;  // 8 cores: oversubscribed, still 6 per socket
    canopy::Runtime rt(cfg);
    CHECK(socket_workers(rt, 0).size() == 6);
    CHECK(socket_workers(rt, 1).size() == 6);
    CHECK(rt.run(fib_task, 18) == 2584);
  }
  {
    canopy::Config cfg;
    cfg.workers = 1;
    cfg.topology = kTwoSockets;  // socket 1 has no worker
    canopy::Runtime rt(cfg);
    CHECK(rt.run(fib_task, 18) == 2584);
    // A task placed on a socket without workers must still run (or be refused with an Error), not hang.
    int r = -1;
    try {
      r = rt.run([](canopy::Context& ctx) { return ctx.spawn(canopy::on_socket(1), fib_task, 10).get(); });
    } catch (const canopy::Error&) {
      r = 55;
    }
    CHECK(r == 55);
  }
}

TEST_CASE("placement on this one-rank, GPU-less build", "[core][topology]") {
  canopy::Runtime rt(runtime_config(2));
  // here, anywhere, on_rank(own rank), on_socket(0): ordinary children.
  long r = rt.run([](canopy::Context& ctx) {
    auto a = ctx.spawn(canopy::here, fib_task, 10);
    auto b = ctx.spawn(canopy::anywhere, fib_task, 11);
    auto c = ctx.spawn(canopy::on_rank(0), fib_task, 12);
    auto d = ctx.spawn(canopy::on_socket(0), fib_task, 13);
    return a.get() + b.get() + c.get() + d.get();
  });
  CHECK(r == 55 + 89 + 144 + 233);

  auto spawn_and_get = [&](canopy::Placement p) {
    return rt.run([](canopy::Context& ctx, canopy::Placement where) { return ctx.spawn(where, fib_task, 5).get(); }, p);
  };
  CHECK_THROWS_AS(spawn_and_get(canopy::on_rank(1)), canopy::RemoteError);
  CHECK_THROWS_AS(spawn_and_get(canopy::on_rank(-1)), canopy::RemoteError);
  const int sockets = [&] {
    int n = 0;
    for (const auto& s : rt.worker_stats()) n = std::max(n, s.socket + 1);
    return n;
  }();
  CHECK_THROWS_AS(spawn_and_get(canopy::on_socket(sockets + 3)), canopy::Error);
  CHECK_THROWS_AS(spawn_and_get(canopy::on_socket(-1)), canopy::Error);
  try {
    spawn_and_get(canopy::on_socket(57));
    FAIL("on_socket(57) was accepted");
  } catch (const canopy::Error& e) {
    CHECK_THAT(std::string(e.what()), Contains("on_socket(57)"));
  }
  if (canopy::gpu_count() == 0) CHECK_THROWS_AS(spawn_and_get(canopy::on_gpu()), canopy::NoDeviceError);
  CHECK(rt.run(fib_task, 10) == 55);  // a refused spawn leaves the runtime usable
}
