// Canopy park/resume: with 2 workers, a root task spawns a child, waits until the other worker runs
// it, then waits on the child's future (parks) or busy-waits for it (the baseline pass).
#include <thread>

#include "harness/canopy_kernels.hpp"
#include "park/park_shared.hpp"

namespace bench {
namespace {

int child(canopy::Context&, park::Shared* s) {
  s->child_thread = std::this_thread::get_id();
  s->started.store(true, std::memory_order_release);
  park::spin_until(s->go);
  s->done.store(true, std::memory_order_release);
  return 0;
}

// One pass of `iterations`; `spin` selects the busy-waiting baseline. False on a timeout.
bool pass(canopy::Context& ctx, int iterations, bool spin, ParkResult* r, double* seconds) {
  auto t0 = Clock::now();
  for (int it = 0; it < iterations; ++it) {
    park::Shared s;
    auto f = ctx.spawn(child, &s);
    if (!park::spin_until(s.started)) {  // never taken by another worker: release it, give up
      s.go.store(true, std::memory_order_release);
      f.get();
      return false;
    }
    r->stolen += s.child_thread != std::this_thread::get_id();
    s.go.store(true, std::memory_order_release);
    if (spin) {
      while (!f.ready()) spin_pause();
    } else {
      r->parked += !f.ready();
    }
    f.get();
  }
  *seconds = seconds_since(t0);
  return true;
}

int root(canopy::Context& ctx, int iterations, ParkResult* r) {
  r->iterations = static_cast<std::uint64_t>(iterations);
  r->timed_out = !pass(ctx, iterations, false, r, &r->park_seconds);
  // Only the park pass's steal and park counts are reported; the spin pass must not park at all.
  ParkResult spin_counts;
  if (!r->timed_out) r->timed_out = !pass(ctx, iterations, true, &spin_counts, &r->spin_seconds);
  return 0;
}

}  // namespace

ParkResult park_canopy(canopy::Runtime& rt, int iterations) {
  ParkResult r;
  rt.run(root, iterations, &r);
  return r;
}

}  // namespace bench
