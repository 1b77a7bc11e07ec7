// Boost.Fiber fib: every spawn is a fiber (fibers::async with launch::post, so the parent keeps
// running and the child waits in the ready queue where another thread can steal it), and the parent
// waits on the child's future. Default stacks (fixedsize_stack, 128 KiB from malloc); 64 KiB stacks
// measured the same (fib(25), 1 thread: 0.64-0.77 s either way).
//
// Memory: Boost.Fiber frees a finished fiber (and its stack) only when its thread's dispatcher
// runs, which happens when the ready queue is empty; in fib it hardly ever is, so nearly every fiber
// of a run stays allocated until the run ends (fib(27), 1 thread: 1.6 GB RSS, 1.3 page faults per
// spawn; fib(35) would need ~80 GB).
// The harness skips inputs above kBoostFiberMaxFib for that reason.
#include <boost/fiber/future/async.hpp>
#include <boost/fiber/future/future.hpp>

#include "harness/kernels.hpp"

namespace bench {
namespace {

long fib(int n) {
  if (n < 2) return n;
  boost::fibers::future<long> a = boost::fibers::async(boost::fibers::launch::post, fib, n - 1);
  long b = fib(n - 2);
  return a.get() + b;
}

}  // namespace

std::uint64_t fib_boost_fiber(int n) {
  // The root runs in a fiber of its own, not in the thread's pinned main fiber, so it can migrate.
  return static_cast<std::uint64_t>(boost::fibers::async(boost::fibers::launch::post, fib, n).get());
}

}  // namespace bench
