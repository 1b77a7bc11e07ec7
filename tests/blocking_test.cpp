// Blocking inside a task. canopy::blocking(fn) runs fn on a spare thread while the task parks, so the
// worker keeps running other tasks; and a worker with nothing it may run sleeps, even while another
// socket's queue holds work it may not take.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <time.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "test_support.hpp"
#include "tree_workloads.hpp"

using namespace canopy_test;
using Catch::Matchers::Message;

namespace {

struct Flags {
  std::atomic<bool> in_section{false};
  std::atomic<bool> sibling_ran{false};
};

void sibling(canopy::Context&, Flags* f) {
  // Runs only once the section has started: with the section on the worker itself, never.
  while (!f->in_section.load()) std::this_thread::yield();
  f->sibling_ran.store(true);
}

bool section_task(canopy::Context& ctx, Flags* f) {
  ctx.spawn(sibling, f);  // on our deque: only this worker's loop (or a thief) can run it
  return canopy::blocking([f] {
    f->in_section.store(true);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!f->sibling_ran.load() && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return f->sibling_ran.load();
  });
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

TEST_CASE("a task blocked in canopy::blocking leaves its worker to other tasks", "[core][blocking]") {
  const int workers = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(workers));
  for (int rep = 0; rep < 5; ++rep) {
    Flags f;
    CHECK(rt.run(section_task, &f));
  }
}

TEST_CASE("canopy::blocking returns fn's result, rethrows its exception, and works outside tasks",
          "[core][blocking]") {
  const int workers = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(workers));
  CHECK(rt.run([](canopy::Context&) { return canopy::blocking([] { return std::string("read 42 bytes"); }); }) ==
        "read 42 bytes");
  CHECK_THROWS_MATCHES(rt.run([](canopy::Context&) { canopy::blocking([] { throw std::runtime_error("EIO"); }); }),
                       std::runtime_error, Message("EIO"));
  CHECK(canopy::blocking([] { return 7; }) == 7);  // on a thread that is not a worker: just runs
}

TEST_CASE("many tasks in blocking sections at once all finish, and the runtime goes on", "[core][blocking]") {
  const int workers = CANOPY_WORKER_COUNTS();
  canopy::Runtime rt(runtime_config(workers));
  std::atomic<int> inside{0};
  std::atomic<int> most_inside{0};
  long total = rt.run([&](canopy::Context& ctx) {
    auto fs = ctx.spawn_each(64, [&](canopy::Context&, std::size_t i) {
      return canopy::blocking([&, i] {
        int now = inside.fetch_add(1) + 1;
        for (int seen = most_inside.load(); seen < now && !most_inside.compare_exchange_weak(seen, now);) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        inside.fetch_sub(1);
        return static_cast<long>(i);
      });
    });
    long sum = 0;
    for (long v : fs.get()) sum += v;
    return sum;
  });
  CHECK(total == 63 * 64 / 2);
  CHECK(most_inside.load() > workers);  // more sections at once than there are workers
  CHECK(rt.run(fib_task, 12) == 144);
}

TEST_CASE("a worker whose socket's worker blocks sleeps instead of spinning on work it may not take",
          "[core][blocking]") {
  canopy::Config cfg;
  cfg.workers = 2;
  cfg.topology = "package:2 core:1 pu:1";  // one worker per socket
  cfg.pin_workers = false;
  canopy::Runtime rt(cfg);
  double cpu = rt.run([](canopy::Context& ctx) {
    const double start = process_cpu_seconds();
    auto sleeper = ctx.spawn(canopy::on_socket(0), [](canopy::Context&) {
      std::this_thread::sleep_for(std::chrono::seconds(1));  // a plain blocking call, not canopy::blocking
    });
    auto queued = ctx.spawn(canopy::on_socket(0), [](canopy::Context&) { return 1; });
    sleeper.get();
    queued.get();
    return process_cpu_seconds() - start;
  });
  INFO("CPU time of the whole process during a 1 s sleep on socket 0: " << cpu << " s");
  CHECK(cpu < 0.3);  // spinning on socket 0's queue burnt about 0.9 s
}
