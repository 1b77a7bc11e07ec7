// Core runtime: spawn, get, wait_all, spawn_each, against serial answers, at 1, 2 and 8 workers.
// Assertions run on the test's main thread only (Catch2 is not thread-safe): tasks return or record what
// they saw and the test checks it after rt.run.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "tree_workloads.hpp"

using namespace canopy_test;

// ---- fib, nqueens, random trees --------------------------------------------------------------

TEST_CASE("fib with a spawn per call matches the serial answer", "[core][spawn]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  REQUIRE(rt.workers() == w);
  for (int n : {0, 1, 2, 10, 20, 23}) {
    INFO("workers " << w << ", fib(" << n << ")");
    CHECK(rt.run(fib_task, n) == fib_serial(n));
    CHECK(rt.run(fib_task_reverse, n) == fib_serial(n));
  }
}

TEST_CASE("nqueens with a task per row choice counts every solution", "[core][spawn]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  const long known[] = {1, 1, 0, 0, 2, 10, 4, 40, 92, 352, 724};
  for (int n : {1, 4, 6, 8, 9, 10}) {
    INFO("workers " << w << ", n " << n);
    long serial = nqueens_serial(n, 0, 0, 0, 0);
    REQUIRE(serial == known[n]);
    CHECK(rt.run(nqueens_task, n, 0, 0u, 0u, 0u) == serial);
  }
}

TEST_CASE("random-shaped trees: checksums match the serial ones for 200 seeds", "[core][spawn]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  INFO("workers " << w);
  std::uint64_t nodes = check_tree_seeds(rt, 1, 200);
  // The tree shape is fixed by the seeds; make sure the workload is not degenerate.
  CHECK(nodes > 200 * 20);
}

// ---- deep and wide ---------------------------------------------------------------------------

namespace {
long chain(canopy::Context& ctx, long n) {
  if (n == 0) return 0;
  return ctx.spawn(chain, n - 1).get() + 1;
}
}  // namespace

// Stack size. Measured on this code (x86-64, gcc 12, one worker, so that the whole chain runs on one
// fiber: a get() of one's own unstolen child runs it inline on the parent's stack), one level of `chain`
// costs about 430 bytes of fiber stack in the default (RelWithDebInfo) build, so the default 8 MiB stack
// holds about 19 000 levels; TSan needs about 580 bytes per level (14 500 levels in 8 MiB) and ASan,
// with its red zones, about 1.6 KiB (5 200 levels). 100 000 levels need ~43 MiB (default) and ~160 MiB
// (ASan): we ask for 256 MiB. Stacks are mmap'ed with MAP_NORESERVE, so only touched pages are committed.
// With more workers a stolen child starts on a fresh fiber, so no stack holds more than the whole chain.
// ThreadSanitizer keeps its own shadow call stack per fiber, of 64 Ki entries; a level of `chain` takes
// four of them, so TSan itself crashes near 16 000 levels. Under TSan the chain is 12 000 deep.
#if defined(__SANITIZE_THREAD__)
constexpr long kDeepChain = 12000;
#else
constexpr long kDeepChain = 100000;
#endif

TEST_CASE("a chain 100 000 tasks deep (each gets its only child) completes", "[core][spawn][deep]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Config cfg = runtime_config(w);
  cfg.stack_size = std::size_t{256} << 20;
  canopy::Runtime rt(cfg);
  INFO("workers " << w);
  CHECK(rt.run(chain, kDeepChain) == kDeepChain);
  CHECK(rt.run(chain, 1000L) == 1000);  // and the runtime is fine afterwards
}

// 4 000 levels fit the default 8 MiB stack in every build, ASan included (see above).
TEST_CASE("the default stack holds a chain 4 000 deep", "[core][spawn][deep]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  REQUIRE(rt.config().stack_size == std::size_t{8} << 20);
  CHECK(rt.run(chain, 4000L) == 4000);
}

// ThreadSanitizer has its own SIGSEGV handling, so the overflow report is not checked under it; ASan's
// handler is installed first and the runtime's, installed over it, still gets the fault.
#if !defined(__SANITIZE_THREAD__)
TEST_CASE("a fiber stack overflow is reported with the way to raise the stack size", "[core][spawn][deep]") {
  char path[] = "/tmp/canopy_overflow_XXXXXX";
  int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {  // the child overflows a 64 KiB fiber stack; it must die with a message, not hang
    ::dup2(fd, 2);
    canopy::Config cfg = runtime_config(1);
    cfg.stack_size = std::size_t{64} << 10;
    canopy::Runtime rt(cfg);
    rt.run(chain, 1000000L);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::string err;
  char buf[4096];
  ::lseek(fd, 0, SEEK_SET);
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) err.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  ::unlink(path);
  INFO("child's stderr: " << err);
  CHECK(WIFSIGNALED(status));
  if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == SIGABRT);
  CHECK_THAT(err, Catch::Matchers::Contains("stack overflow"));
  CHECK_THAT(err, Catch::Matchers::Contains("stack-size"));
}
#endif

namespace {
std::uint64_t square_and_count(canopy::Context&, std::uint64_t i, std::atomic<std::uint64_t>* ran) {
  ran->fetch_add(1, std::memory_order_relaxed);
  return i * i;
}

struct Wide {
  std::uint64_t sum = 0;
  std::uint64_t wrong = 0;  // results that were not i*i
  std::uint64_t ready_before_get = 0;
};

Wide million_alive(canopy::Context& ctx, std::uint64_t n, std::atomic<std::uint64_t>* ran) {
  std::vector<canopy::Future<std::uint64_t>> fs;
  fs.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) fs.push_back(ctx.spawn(square_and_count, i, ran));
  // Every frame is alive here: the handles keep them, whether or not the tasks have run.
  Wide out;
  for (auto& f : fs) out.ready_before_get += f.ready() ? 1 : 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint64_t v = fs[i].get();
    out.sum += v;
    if (v != i * i) ++out.wrong;
  }
  return out;
}
}  // namespace

TEST_CASE("a million tasks alive at once, spawned before any is got", "[core][spawn][wide]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  constexpr std::uint64_t n = 1000000;
  std::atomic<std::uint64_t> ran{0};
  Wide r = rt.run(million_alive, n, &ran);
  INFO("workers " << w << ", " << r.ready_before_get << " were done before the first get");
  CHECK(ran.load() == n);
  CHECK(r.wrong == 0);
  std::uint64_t expect = 0;
  for (std::uint64_t i = 0; i < n; ++i) expect += i * i;
  CHECK(r.sum == expect);
  if (w == 1) CHECK(r.ready_before_get == 0);  // one worker: nothing runs until the parent waits
}

namespace {
std::uint64_t leaf_value(canopy::Context&, std::size_t i, std::uint64_t base) { return base * 1000 + i; }
std::uint64_t wide_branch(canopy::Context& ctx, std::size_t i, std::size_t fan) {
  auto fs = ctx.spawn_each(fan, leaf_value, static_cast<std::uint64_t>(i));
  std::vector<std::uint64_t> all = fs.get();
  return std::accumulate(all.begin(), all.end(), std::uint64_t{0});
}
std::uint64_t wide_tree(canopy::Context& ctx, std::size_t fan) {
  auto all = ctx.spawn_each(fan, wide_branch, fan).get();
  return std::accumulate(all.begin(), all.end(), std::uint64_t{0});
}
}  // namespace

TEST_CASE("a wide two-level tree of a million leaves", "[core][spawn][wide]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  constexpr std::uint64_t fan = 1000;
  std::uint64_t expect = 0;
  for (std::uint64_t i = 0; i < fan; ++i)
    for (std::uint64_t j = 0; j < fan; ++j) expect += i * 1000 + j;
  CHECK(rt.run(wide_tree, std::size_t{fan}) == expect);
}

// ---- waiting in the middle of spawning -------------------------------------------------------

namespace {
int ident(canopy::Context&, int i) { return i; }
void bump(canopy::Context&, std::atomic<int>* c) { c->fetch_add(1, std::memory_order_relaxed); }

struct MidResult {
  long sum = 0;
  int not_ready_after_wait_all = 0;  // futures of joined children that did not say ready()
  int bumps_seen_at_wait_all = 0;
  int bumps_seen_after_second_wait_all = 0;
};

MidResult mid_spawn(canopy::Context& ctx, std::atomic<int>* bumps) {
  MidResult r;
  std::vector<canopy::Future<int>> a;
  for (int i = 0; i < 10; ++i) a.push_back(ctx.spawn(ident, i));
  for (int i = 0; i < 4; ++i) ctx.spawn(bump, bumps);          // futures dropped at once
  r.sum += a[3].get() + a[7].get() + a[0].get();               // some of them, out of order
  for (int i = 10; i < 20; ++i) a.push_back(ctx.spawn(ident, i));
  r.sum += a[19].get();
  ctx.wait_all();
  r.bumps_seen_at_wait_all = bumps->load();
  for (auto& f : a)
    if (f.valid() && !f.ready()) ++r.not_ready_after_wait_all;
  for (auto& f : a)
    if (f.valid()) r.sum += f.get();                          // results survive the join
  for (int i = 20; i < 30; ++i) a.push_back(ctx.spawn(ident, i));
  for (int i = 0; i < 6; ++i) ctx.spawn(bump, bumps);
  r.sum += a[25].get();
  ctx.wait_all();
  r.bumps_seen_after_second_wait_all = bumps->load();
  ctx.wait_all();                                              // nothing left: a no-op
  for (int i = 20; i < 30; ++i)
    if (i != 25) r.sum += a[static_cast<std::size_t>(i)].get();
  for (int i = 0; i < 5; ++i) ctx.spawn(bump, bumps);          // left to the implicit wait at exit
  return r;
}
}  // namespace

TEST_CASE("a parent that waits in the middle of spawning", "[core][spawn]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  for (int rep = 0; rep < 20; ++rep) {
    std::atomic<int> bumps{0};
    MidResult r = rt.run(mid_spawn, &bumps);
    INFO("workers " << w << ", repetition " << rep);
    CHECK(r.sum == 29 * 30 / 2);
    CHECK(r.not_ready_after_wait_all == 0);
    CHECK(r.bumps_seen_at_wait_all == 4);
    CHECK(r.bumps_seen_after_second_wait_all == 10);
    CHECK(bumps.load() == 15);  // the implicit wait_all ran the last five before run returned
  }
}

// ---- spawn_each / FutureMap ------------------------------------------------------------------

namespace {
std::uint64_t point_value(canopy::Context&, std::size_t i, std::uint64_t k, std::string s, std::vector<int> v) {
  return i * k + s.size() * 1000 + static_cast<std::uint64_t>(std::accumulate(v.begin(), v.end(), 0)) * 100000;
}

std::vector<std::uint64_t> index_launch(canopy::Context& ctx, std::size_t n) {
  auto fs = ctx.spawn_each(n, point_value, std::uint64_t{7}, std::string("abc"), std::vector<int>{1, 2});
  if (fs.size() != n) return {};
  return fs.get();
}

void write_slot(canopy::Context&, std::size_t i, std::vector<int>* out) { (*out)[i] = static_cast<int>(i) + 1; }

struct VoidEach {
  int wrong = 0;
  bool all_ready_after_wait = true;
};
VoidEach void_each(canopy::Context& ctx, std::size_t n) {
  std::vector<int> slots(n, 0);
  auto fs = ctx.spawn_each(n, write_slot, &slots);
  fs.wait();
  VoidEach r;
  for (std::size_t i = 0; i < fs.size(); ++i) r.all_ready_after_wait = r.all_ready_after_wait && fs[i].ready();
  fs.get();
  for (std::size_t i = 0; i < n; ++i) r.wrong += slots[i] != static_cast<int>(i) + 1;
  return r;
}

std::vector<long> each_then_single(canopy::Context& ctx) {
  auto fs = ctx.spawn_each(50, [](canopy::Context&, std::size_t i) { return static_cast<long>(i) * 3; });
  std::vector<long> out;
  for (std::size_t i = 50; i-- > 0;) out.push_back(fs[i].get());  // one by one, backwards
  return out;
}
}  // namespace

TEST_CASE("spawn_each returns results in index order", "[core][spawn][each]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
    INFO("workers " << w << ", n " << n);
    std::vector<std::uint64_t> got = rt.run(index_launch, n);
    REQUIRE(got.size() == n);
    for (std::size_t i = 0; i < n; ++i) REQUIRE(got[i] == i * 7 + 3000 + 300000);
  }
  std::vector<long> backwards = rt.run(each_then_single);
  REQUIRE(backwards.size() == 50);
  for (std::size_t k = 0; k < 50; ++k) CHECK(backwards[k] == static_cast<long>(49 - k) * 3);
}

TEST_CASE("spawn_each of void tasks", "[core][spawn][each]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  for (std::size_t n : {std::size_t{0}, std::size_t{5}, std::size_t{2000}}) {
    VoidEach r = rt.run(void_each, n);
    INFO("workers " << w << ", n " << n);
    CHECK(r.wrong == 0);
    CHECK(r.all_ready_after_wait);
  }
}

// ---- kinds of callables and arguments --------------------------------------------------------

namespace {
std::string join_args(canopy::Context&, std::string s, std::vector<int> v, double d) {
  for (int x : v) s += std::to_string(x);
  return s + ":" + std::to_string(static_cast<int>(d));
}
void root_void(canopy::Context& ctx, std::atomic<int>* hits) {
  ctx.spawn(bump, hits);
  ctx.spawn([](canopy::Context&, std::atomic<int>* h) { h->fetch_add(10); }, hits);
}
}  // namespace

TEST_CASE("tasks can be functions and lambdas, take strings and vectors, return void", "[core][spawn]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  std::string s = rt.run([](canopy::Context& ctx) {
    auto a = ctx.spawn(join_args, std::string("x"), std::vector<int>{1, 2, 3}, 4.0);
    auto b = ctx.spawn([](canopy::Context&, int v) { return v + 1; }, 41);
    int base = 100;
    auto c = ctx.spawn([base](canopy::Context&) { return base * 2; });  // capturing: fine on one rank
    return a.get() + "/" + std::to_string(b.get()) + "/" + std::to_string(c.get());
  });
  CHECK(s == "x123:4/42/200");

  std::atomic<int> hits{0};
  rt.run(root_void, &hits);
  CHECK(hits.load() == 11);

  // A root that returns a large value, and one given arguments by rt.run.
  std::vector<int> big = rt.run([](canopy::Context&, int n) { return std::vector<int>(static_cast<std::size_t>(n), 7); }, 100000);
  CHECK(big.size() == 100000);
  CHECK(std::all_of(big.begin(), big.end(), [](int x) { return x == 7; }));
}

TEST_CASE("one runtime runs many roots in a row", "[core][spawn]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  for (int i = 0; i < 300; ++i) REQUIRE(rt.run(fib_task, i % 12) == fib_serial(i % 12));
}

TEST_CASE("runtimes can be created and destroyed repeatedly, and two can live at once", "[core][spawn]") {
  const int w = CANOPY_WORKER_COUNTS();
  for (int i = 0; i < 10; ++i) {
    canopy::Runtime rt(runtime_config(w));
    REQUIRE(rt.run(fib_task, 12) == 144);
  }
  canopy::Runtime a(runtime_config(w));
  canopy::Runtime b(runtime_config(w));
  CHECK(a.run(fib_task, 15) == 610);
  CHECK(b.run(fib_task, 16) == 987);
  CHECK(a.run(fib_task, 17) == 1597);
}

// ---- frames of every size, runtimes on other threads -----------------------------------------

namespace {
std::uint64_t big_frames(canopy::Context& ctx, int n) {
  // A callable of 2 KiB makes a frame larger than the biggest size class: it comes from the heap.
  std::array<unsigned char, 2048> blob{};
  for (std::size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<unsigned char>(i * 7);
  std::vector<canopy::Future<std::uint64_t>> fs;
  for (int i = 0; i < n; ++i)
    fs.push_back(ctx.spawn([blob](canopy::Context&, int k) {
      std::uint64_t s = static_cast<std::uint64_t>(k);
      for (unsigned char b : blob) s += b;
      return s;
    }, i));
  std::uint64_t total = 0;
  for (auto& f : fs) total += f.get();
  return total;
}
}  // namespace

TEST_CASE("frames larger than the size classes (heap frames) work like the others", "[core][spawn]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(w));
  std::uint64_t per = 0;
  for (std::size_t i = 0; i < 2048; ++i) per += static_cast<unsigned char>(i * 7);
  constexpr int n = 5000;
  CHECK(rt.run(big_frames, n) == per * n + static_cast<std::uint64_t>(n) * (n - 1) / 2);
}

TEST_CASE("runtimes driven from other threads, two at the same time", "[core][spawn]") {
  const int w = CANOPY_WORKER_COUNTS();
  canopy::Runtime a(runtime_config(w));
  canopy::Runtime b(runtime_config(w));
  long ra = 0, rb = 0;
  std::thread ta([&] {
    for (int i = 0; i < 20; ++i) ra += a.run(fib_task, 18);
  });
  std::thread tb([&] {
    for (int i = 0; i < 20; ++i) rb += b.run(nqueens_task, 7, 0, 0u, 0u, 0u);
  });
  ta.join();
  tb.join();
  CHECK(ra == 20 * 2584);
  CHECK(rb == 20 * 40);
}
