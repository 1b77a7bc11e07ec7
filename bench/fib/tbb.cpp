// oneTBB fib: task_group per call, g.run(fib(n-1)); fib(n-2); g.wait(), the idiomatic no-cutoff form.
#include <oneapi/tbb/task_group.h>

#include "harness/kernels.hpp"

namespace bench {
namespace {

long fib(int n) {
  if (n < 2) return n;
  long a = 0;
  tbb::task_group g;
  g.run([&a, n] { a = fib(n - 1); });
  long b = fib(n - 2);
  g.wait();
  return a + b;
}

}  // namespace

std::uint64_t fib_tbb(int n) { return static_cast<std::uint64_t>(fib(n)); }

}  // namespace bench
