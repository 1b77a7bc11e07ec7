// The installed-package smoke test: spawn, get, and the system_info entry point.
#include <canopy/canopy.hpp>

#include <cstdio>

long fib(canopy::Context& ctx, int n) {
  if (n < 2) return n;
  canopy::Future<long> a = ctx.spawn(fib, n - 1);
  long b = fib(ctx, n - 2);
  return a.get() + b;
}

int main() {
  canopy::Config cfg;
  cfg.workers = 2;
  canopy::Runtime rt(cfg);
  long r = rt.run(fib, 20);
  canopy::SystemInfo info = canopy::system_info("package:2 core:4 pu:1");
  std::printf("canopy consumer: Canopy %s, fib(20) = %ld on %d worker(s), synthetic sockets=%d cores=%d\n",
              CANOPY_VERSION_STRING, r, rt.workers(), info.topology.sockets, info.topology.cores);
  return r == 6765 && info.topology.sockets == 2 && info.topology.cores == 8 ? 0 : 1;
}
