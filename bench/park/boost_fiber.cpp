// Boost.Fiber park/resume with 2 threads under the work_stealing algorithm.
//
// The Canopy pattern (spawn, let the other worker steal the child, park on its future) cannot be
// reproduced: Boost.Fiber 1.74's dispatcher pushes its own, pinned, context onto the ready deque
// every time it resumes a fiber ("so that ready-queue never becomes empty", scheduler.cpp), and
// work_stealing::steal() gives up when the deque's top is pinned. A fiber posted by a running fiber
// therefore sits below the dispatcher and is never stolen; measured: 0 of 100 children taken by the
// other thread within 5 s. So the child is handed to the other thread explicitly, through `remote`
// (the server's channel to its helper thread's main fiber), and completes a fibers::promise there;
// the parent parks on the promise's future and is resumed from the other thread, which is the
// park + cross-thread resume pair we want to time. The baseline pass spins on the child's `done`
// flag before calling get(), as in the Canopy version.
#include <thread>

#include <boost/fiber/future/future.hpp>
#include <boost/fiber/future/promise.hpp>

#include "harness/kernels.hpp"
#include "park/park_shared.hpp"

namespace bench {
namespace {

struct Job {
  park::Shared* s;
  boost::fibers::promise<int>* p;
};

void child(void* arg) {
  auto* job = static_cast<Job*>(arg);
  park::Shared* s = job->s;
  s->child_thread = std::this_thread::get_id();
  s->started.store(true, std::memory_order_release);
  park::spin_until(s->go);
  job->p->set_value(0);
  // Last touch of the parent's frame: the parent waits for this before leaving the iteration, so
  // that set_value() never runs on a promise that is already destroyed.
  s->done.store(true, std::memory_order_release);
}

bool pass(int iterations, bool spin, RemoteRun remote, ParkResult* r, double* seconds) {
  auto t0 = Clock::now();
  for (int it = 0; it < iterations; ++it) {
    park::Shared s;
    boost::fibers::promise<int> p;
    boost::fibers::future<int> f = p.get_future();
    Job job{&s, &p};
    remote(child, &job);
    if (!park::spin_until(s.started)) {  // the other thread never ran it: give up
      s.go.store(true, std::memory_order_release);
      f.get();
      park::spin_until(s.done);
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
    park::spin_until(s.done);
  }
  *seconds = seconds_since(t0);
  return true;
}

int root(int iterations, RemoteRun remote, ParkResult* r) {
  r->iterations = static_cast<std::uint64_t>(iterations);
  r->timed_out = !pass(iterations, false, remote, r, &r->park_seconds);
  ParkResult spin_counts;
  if (!r->timed_out) r->timed_out = !pass(iterations, true, remote, &spin_counts, &r->spin_seconds);
  return 0;
}

}  // namespace

ParkResult park_boost_fiber(int iterations, RemoteRun remote) {
  ParkResult r;
  // The parent loop runs right here, in the server thread's main fiber: that fiber is pinned, so the
  // helper thread cannot steal the parent and end up owning both ends of the hand-off.
  root(iterations, remote, &r);
  return r;
}

}  // namespace bench
