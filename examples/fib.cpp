// fib: the smallest nested-parallel program. Every call spawns one child and computes the other itself.
#include <canopy/canopy.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>

long fib(canopy::Context& ctx, int n) {
  if (n < 2) return n;
  canopy::Future<long> a = ctx.spawn(fib, n - 1);
  long b = fib(ctx, n - 2);
  return a.get() + b;
}

int main(int argc, char** argv) {
  canopy::Runtime rt(argc, argv);
  int n = argc > 1 ? std::atoi(argv[1]) : 30;
  auto start = std::chrono::steady_clock::now();
  long r = rt.run(fib, n);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("fib(%d) = %ld in %.3f s on %d worker(s)\n", n, r, s, rt.workers());
  return 0;
}
