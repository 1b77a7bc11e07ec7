// Serial fib: the baseline that per-spawn overheads are measured against, so it must do the same
// calls as the parallel versions. g++ -O2 turns one of the two recursive calls into a loop
// (tail-recursion elimination with an accumulator), which makes fib(35) ~13 ms instead of ~23 ms
// and would understate every runtime's overhead. noinline stops self-inlining; the optimize
// attribute disables the tail-recursion pass, which is gated on -foptimize-sibling-calls.
#include "harness/kernels.hpp"

namespace bench {
namespace {

__attribute__((noinline, optimize("no-optimize-sibling-calls"))) long fib(int n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

}  // namespace

std::uint64_t fib_serial(int n) { return static_cast<std::uint64_t>(fib(n)); }

std::uint64_t fib_spawns(int n) {
  // S(n) = 1 + S(n-1) + S(n-2), S(0) = S(1) = 0, whose solution is fib(n+1) - 1.
  std::uint64_t a = 0, b = 1;  // fib(0), fib(1)
  for (int i = 0; i < n + 1; ++i) {
    std::uint64_t c = a + b;
    a = b;
    b = c;
  }
  return n < 1 ? 0 : a - 1;
}

}  // namespace bench
