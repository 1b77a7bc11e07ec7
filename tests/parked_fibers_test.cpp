// Many tasks parked at once: each holds a fiber stack. 100 000 of them park on one future and all
// resume; past Config::max_fibers a wait throws canopy::Error naming the limit and its setting, and the
// runtime stays usable (a deadlock afterwards is still reported, not a crash). Idle fibers beyond a
// small cache go back to the OS.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "test_support.hpp"

using namespace canopy_test;
using Catch::Matchers::Contains;

namespace {

#if defined(__SANITIZE_ADDRESS__)
/// rss_kib is the resident set of this process less AddressSanitizer's shadow: every stack used
/// commits shadow pages that ASan never returns on munmap, so with it the RSS would not show the
/// stacks going back.
long rss_kib() {
  std::size_t scale = 0, offset = 0;
  __asan_get_shadow_mapping(&scale, &offset);
  const std::uintptr_t shadow_begin = offset;
  const std::uintptr_t shadow_end = offset + ((std::uintptr_t{1} << 47) >> scale);
  std::ifstream in("/proc/self/smaps");
  std::string line;
  long kib = 0;
  bool shadow = false;
  while (std::getline(in, line)) {
    if (line.rfind("Rss:", 0) == 0) {
      if (!shadow) kib += std::stol(line.substr(4));
    } else if (line.find(' ') < line.find(':')) {  // a mapping's header: "start-end perms offset dev ..."
      const std::uintptr_t start = std::stoull(line.substr(0, line.find('-')), nullptr, 16);
      shadow = start >= shadow_begin && start < shadow_end;
    }
  }
  return kib;
}
#else
/// rss_kib is the resident set of this process.
long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}
#endif

long mapping_count() {
  std::ifstream in("/proc/self/maps");
  long n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n;
}

/// kernel_has_guard_install: Linux 6.13's in-mapping guard pages, which keep a stack at no extra
/// mapping; without them every stack costs two and vm.max_map_count bounds the parked tasks.
bool kernel_has_guard_install() {
  const long page = sysconf(_SC_PAGESIZE);
  void* p = mmap(nullptr, static_cast<std::size_t>(page) * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  bool ok = madvise(p, static_cast<std::size_t>(page), 102 /* MADV_GUARD_INSTALL */) == 0;
  munmap(p, static_cast<std::size_t>(page) * 2);
  return ok;
}

/// What the waiters saw of their own wait on the gate, and what their parent saw of its waits on them.
struct Outcome {
  std::atomic<long> resumed{0};  // waiters whose get() on the gate parked and returned
  std::atomic<long> refused{0};  // waiters whose get() on the gate was refused at the fiber limit
  std::mutex lock;
  std::string message;         // a waiter's refusal
  long parent_refused = 0;     // the parent's own get() on a waiter refused (it could not park either)
  std::string parent_message;
  long peak_rss_kib = 0;
  long peak_maps = 0;
};

/// The gate finishes once every waiter has arrived, so that all of them are parked on it at once.
int gate(canopy::Context&, std::atomic<int>* arrived, int expected, Outcome* out) {
  while (arrived->load(std::memory_order_acquire) < expected) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the last arrivals reach their park
  out->peak_rss_kib = rss_kib();
  out->peak_maps = mapping_count();
  return 1;
}

int wait_at_gate(canopy::Context&, canopy::Future<int> g, std::atomic<int>* arrived, Outcome* out) {
  arrived->fetch_add(1, std::memory_order_acq_rel);
  try {
    g.get();
    out->resumed.fetch_add(1, std::memory_order_relaxed);
  } catch (const canopy::Error& e) {
    out->refused.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> hold(out->lock);
    out->message = e.what();
  }
  return 0;
}

/// park_many parks n waiters on one gate (the Outcome, with its atomics and lock, cannot be moved: it
/// comes back on the heap).
std::unique_ptr<Outcome> park_many(canopy::Context& ctx, int n) {
  std::atomic<int> arrived{0};
  auto out = std::make_unique<Outcome>();
  // Placed: the gate must not be run inline by the first waiter that gets it.
  canopy::Future<int> g = ctx.spawn(canopy::on_socket(0), gate, &arrived, n, out.get());
  std::vector<canopy::Future<int>> waiters;
  waiters.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) waiters.push_back(ctx.spawn(wait_at_gate, g, &arrived, out.get()));
  // The parent's own get may be refused too when the waiters hold every fiber.
  for (auto& w : waiters) {
    try {
      w.get();
    } catch (const canopy::Error& e) {
      ++out->parent_refused;
      out->parent_message = e.what();
    }
  }
  ctx.wait_all();  // the gate and the waiters the parent could not wait for still use `arrived` and `out`
  return out;
}

}  // namespace

#if defined(__SANITIZE_THREAD__)
// ThreadSanitizer counts every fiber as a thread and dies past 8128 of them, and its shadow memory
// dwarfs the stacks: it checks the same waits for races at a smaller scale, without the memory figures.
constexpr int kParked = 2000;
constexpr bool kMemoryFigures = false;
#else
constexpr int kParked = 100000;
constexpr bool kMemoryFigures = true;
#endif

TEST_CASE("100 000 tasks parked at once all resume", "[core][fiber][parked]") {
  canopy::Runtime rt(runtime_config(4));
  const long rss_before = rss_kib();
  std::unique_ptr<Outcome> result = rt.run(park_many, kParked);
  const Outcome& out = *result;
  const long resumed = out.resumed.load(), refused = out.refused.load();
  const long rss_after = rss_kib();
  std::printf("%d parked tasks: peak RSS %ld KiB over %ld KiB before (%.1f KiB per parked task), %ld mappings; "
              "%ld KiB after they resumed\n",
              kParked, out.peak_rss_kib, rss_before, double(out.peak_rss_kib - rss_before) / double(kParked),
              out.peak_maps, rss_after);
  if (kernel_has_guard_install()) {
    CHECK(refused == 0);
    CHECK(out.parent_refused == 0);
    CHECK(resumed == kParked);
    if (kMemoryFigures) CHECK(out.peak_maps < 20000);
  } else {
    // Two mappings per stack: the wait past vm.max_map_count's share is refused with a clear error.
    CHECK(resumed + refused == kParked);
    if (refused > 0) CHECK_THAT(out.message, Contains("vm.max_map_count"));
  }
  // The stacks beyond each worker's cache went back to the OS.
  if (kMemoryFigures) CHECK(rss_after - rss_before < (out.peak_rss_kib - rss_before) / 4);
}

TEST_CASE("past max_fibers a wait throws canopy::Error naming the limit, and the runtime goes on",
          "[core][fiber][parked]") {
  const int workers = GENERATE(1, 2, 8);
  canopy::Config cfg = runtime_config(workers);
  cfg.max_fibers = 64;
  canopy::Runtime rt(cfg);
  std::unique_ptr<Outcome> result = rt.run(park_many, 300);
  const Outcome& out = *result;
  const long resumed = out.resumed.load(), refused = out.refused.load();
  CHECK(resumed + refused == 300);
  CHECK(refused > 0);
  CHECK(resumed >= 64 - 2 * workers);
  CHECK_THAT(out.message, Contains("the limit of 64 tasks parked at once") && Contains("CANOPY_MAX_FIBERS") &&
                              Contains("cannot wait for task"));
  if (out.parent_refused > 0) CHECK_THAT(out.parent_message, Contains("the limit of 64 tasks parked at once"));
  // Refused waits left nothing registered behind: a deadlock now is reported, not a crash.
  struct Slot {
    canopy::Future<int> f;
    std::atomic<bool> full{false};
  } slot;
  CHECK_THROWS_AS(rt.run([&](canopy::Context& ctx) {
                    auto a = ctx.spawn(canopy::on_socket(0), [&](canopy::Context&) {
                      while (!slot.full.load()) std::this_thread::yield();
                      return canopy::Future<int>(slot.f).get();
                    });
                    slot.f = a;
                    slot.full.store(true);
                    return a.get();
                  }),
                  canopy::DeadlockError);
}
