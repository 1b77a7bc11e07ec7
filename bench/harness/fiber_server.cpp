// Server side of the Boost.Fiber backend (see fiber_server.hpp, and backend.hpp for why it is a
// separate process).
//
// Between runs the helper threads must not spin: with suspend = false (the only setting in which
// work_stealing's idle threads look for work to steal), an idle Boost.Fiber thread busy-polls, and on
// a 2-core machine it would steal CPU from whichever runtime the harness is timing meanwhile. So a
// helper thread joins the fiber scheduler only for the duration of a run and otherwise sleeps on a
// std::condition_variable, which blocks its whole thread (it has no other fibers by then).
// During a run, a helper's main fiber waits on its job channel: the thread's dispatcher keeps
// stealing meanwhile, and the park benchmark uses the channel to run its child on that thread.
#include "harness/fiber_server.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/fiber/algo/work_stealing.hpp>
#include <boost/fiber/buffered_channel.hpp>
#include <boost/fiber/operations.hpp>

#include "harness/backend.hpp"
#include "harness/clock.hpp"
#include "harness/kernels.hpp"
#include "harness/server_protocol.hpp"

namespace bench {
namespace {

using WorkStealing = boost::fibers::algo::work_stealing;

struct Job {
  void (*fn)(void*) = nullptr;  // nullptr: the run is over, go back to sleep
  void* arg = nullptr;
};

struct Gate {
  std::mutex m;  // thread-level: helpers sleep here between runs
  std::condition_variable cv;
  std::uint64_t epoch = 0;
  bool quit = false;
  std::atomic<int> arrived{0};
  // One channel per helper thread, popped by that thread's main fiber (pinned to it).
  std::vector<std::unique_ptr<boost::fibers::buffered_channel<Job>>> jobs;
};

Gate* g_gate = nullptr;

void helper(Gate& g, int index, int workers) {
  boost::fibers::use_scheduling_algorithm<WorkStealing>(static_cast<std::uint32_t>(workers));
  std::uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock lk(g.m);
      g.cv.wait(lk, [&] { return g.epoch != seen || g.quit; });
      if (g.quit) return;
      seen = g.epoch;
    }
    g.arrived.fetch_add(1, std::memory_order_release);
    for (;;) {
      Job job;
      g.jobs[static_cast<std::size_t>(index)]->pop(job);  // suspends this fiber only
      if (!job.fn) break;
      job.fn(job.arg);
    }
  }
}

// RemoteRun for the park benchmark: fn(arg) on the first helper thread's main fiber.
void run_on_helper(void (*fn)(void*), void* arg) { g_gate->jobs[0]->push(Job{fn, arg}); }

std::string run_one(const std::string& suite, long long n, int workers) {
  if (suite == "fib") {
    auto t0 = Clock::now();
    std::uint64_t r = fib_boost_fiber(static_cast<int>(n));
    return ok_reply(seconds_since(t0), r);
  }
  if (suite == "park" && workers >= 2) {
    Sample smp = park_sample(park_boost_fiber(static_cast<int>(n), run_on_helper));
    std::ostringstream out;
    out.precision(17);
    out << ok_reply(smp.seconds, smp.answer);
    for (auto& [k, v] : smp.extra) out << ' ' << k << '=' << v;
    return out.str();
  }
  return "error boost-fiber has no suite '" + suite + "' with " + std::to_string(workers) + " thread(s)";
}

}  // namespace

int serve_boost_fiber(int workers) {
  Gate g;
  g_gate = &g;
  for (int i = 1; i < workers; ++i) g.jobs.push_back(std::make_unique<boost::fibers::buffered_channel<Job>>(64));
  std::vector<std::thread> helpers;
  for (int i = 1; i < workers; ++i) helpers.emplace_back(helper, std::ref(g), i - 1, workers);
  boost::fibers::use_scheduling_algorithm<WorkStealing>(static_cast<std::uint32_t>(workers));

  serve_lines([&](const std::string& suite, long long n) {
    // Wake the helpers and wait until each has joined the scheduler, so a run never pays their
    // wake-up latency; send them back to sleep afterwards, whatever happened.
    g.arrived.store(0, std::memory_order_relaxed);
    {
      std::lock_guard lk(g.m);
      ++g.epoch;
    }
    g.cv.notify_all();
    while (g.arrived.load(std::memory_order_acquire) < workers - 1) spin_pause();
    struct Release {
      Gate& g;
      ~Release() {
        for (auto& ch : g.jobs) ch->push(Job{});
      }
    } release{g};
    return run_one(suite, n, workers);
  });

  {
    std::lock_guard lk(g.m);
    g.quit = true;
  }
  g.cv.notify_all();
  for (auto& t : helpers) t.join();
  std::cout.flush();
  // Boost.Fiber's schedulers are process-wide statics that outlive their threads; skip their
  // teardown at exit, where a destroyed scheduler could still be a steal victim.
  std::_Exit(0);
}

}  // namespace bench
