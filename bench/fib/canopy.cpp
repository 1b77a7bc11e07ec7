// Canopy fib: one spawn per call, the other call direct, exactly the form given in the design notes.
#include "harness/canopy_kernels.hpp"

namespace bench {
namespace {

long fib(canopy::Context& ctx, int n) {
  if (n < 2) return n;
  auto a = ctx.spawn(fib, n - 1);
  long b = fib(ctx, n - 2);
  return a.get() + b;
}

}  // namespace

std::uint64_t fib_canopy(canopy::Runtime& rt, int n) {
  return static_cast<std::uint64_t>(rt.run(fib, n));
}

}  // namespace bench
