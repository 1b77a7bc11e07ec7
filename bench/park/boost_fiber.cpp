// Boost.Fiber park/resume: the same pattern as park/canopy.cpp on the work_stealing algorithm with
// 2 threads. Boost's future has no non-blocking ready(), so the baseline pass spins on the child's
// `done` flag, set as the child's last statement, before calling get().
#include <thread>

#include <boost/fiber/future/async.hpp>
#include <boost/fiber/future/future.hpp>

#include "harness/kernels.hpp"
#include "park/park_shared.hpp"

namespace bench {
namespace {

int child(park::Shared* s) {
  s->child_thread = std::this_thread::get_id();
  s->started.store(true, std::memory_order_release);
  park::spin_until(s->go);
  s->done.store(true, std::memory_order_release);
  return 0;
}

bool pass(int iterations, bool spin, ParkResult* r, double* seconds) {
  auto t0 = Clock::now();
  for (int it = 0; it < iterations; ++it) {
    park::Shared s;
    auto f = boost::fibers::async(boost::fibers::launch::post, child, &s);
    if (!park::spin_until(s.started)) {  // never taken by another worker: release it, give up
      s.go.store(true, std::memory_order_release);
      f.get();
      return false;
    }
    r->stolen += s.child_thread != std::this_thread::get_id();
    s.go.store(true, std::memory_order_release);
    if (spin) {
      while (!s.done.load(std::memory_order_acquire)) spin_pause();
    } else {
      r->parked += !s.done.load(std::memory_order_acquire);
    }
    f.get();
  }
  *seconds = seconds_since(t0);
  return true;
}

int root(int iterations, ParkResult* r) {
  r->iterations = static_cast<std::uint64_t>(iterations);
  r->timed_out = !pass(iterations, false, r, &r->park_seconds);
  ParkResult spin_counts;
  if (!r->timed_out) r->timed_out = !pass(iterations, true, &spin_counts, &r->spin_seconds);
  return 0;
}

}  // namespace

ParkResult park_boost_fiber(int iterations) {
  ParkResult r;
  // The parent loop runs in a fiber of its own (not the thread's pinned main fiber), like a task.
  boost::fibers::async(boost::fibers::launch::post, root, iterations, &r).get();
  return r;
}

}  // namespace bench
