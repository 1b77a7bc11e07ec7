// ranks: a task tree that crosses ranks. Run it as one rank (./ranks) or as several:
//   mpirun --allow-run-as-root --oversubscribe --bind-to none -np 2 ./ranks
// Rank 0 runs the root; each level sends one half of the work to the next rank and keeps the other
// half; results, and the exception of a bad input, come back to the root.
#include <canopy/canopy.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

long sum_squares(canopy::Context& ctx, long lo, long hi) {
  if (lo < 0) throw std::invalid_argument("sum_squares: negative bound " + std::to_string(lo));
  if (hi - lo <= 1000) {
    long s = 0;
    for (long i = lo; i < hi; ++i) s += i * i;
    return s;
  }
  long mid = lo + (hi - lo) / 2;
  auto left = ctx.spawn(canopy::on_rank((ctx.rank() + 1) % ctx.ranks()), sum_squares, lo, mid);
  long right = ctx.spawn(sum_squares, mid, hi).get();
  return left.get() + right;
}

int main(int argc, char** argv) {
  canopy::Runtime rt(argc, argv);
  long n = 100000;
  long got = rt.run([](canopy::Context& ctx, long n) {
    try {
      ctx.spawn(canopy::on_rank(ctx.ranks() - 1), sum_squares, -1L, 5L).get();
    } catch (const std::exception& e) {  // a RemoteError from another rank, the original type from this one
      std::printf("a bad input on rank %d came back as: %s\n", ctx.ranks() - 1, e.what());
    }
    return ctx.spawn(sum_squares, 0L, n).get();
  }, n);
  if (rt.rank() != 0) return 0;
  long want = (n - 1) * n * (2 * n - 1) / 6;
  std::printf("sum of squares below %ld over %d rank(s) (%s): %ld, %s\n", n, rt.ranks(), rt.transport().c_str(), got,
              got == want ? "right" : "WRONG");
  return got == want ? 0 : 1;
}
