// regions: tasks that declare their data. Pieces of a partition are filled in parallel, a sum is
// folded by concurrent reducers, and a reader sees everything because the runtime orders it last.
#include <canopy/canopy.hpp>

#include <cstdio>
#include <numeric>
#include <vector>

void fill(canopy::Context&, canopy::Write<long> piece) {
  for (std::int64_t i = piece.bounds().lo[0]; i < piece.bounds().hi[0]; ++i) piece[i] = i;
}

void add_up(canopy::Context&, canopy::Read<long> piece, canopy::Reduce<long, canopy::Sum> total) {
  long s = 0;
  for (long v : piece) s += v;
  total += s;
}

long read_total(canopy::Context&, canopy::Read<long> total) { return total[0]; }

long top(canopy::Context& ctx, std::size_t n, std::size_t pieces) {
  canopy::Region<long> values = ctx.create_region<long>(n);
  canopy::Region<long> total = ctx.create_region<long>(1);
  auto parts = values.partition_equal(pieces);
  for (std::size_t i = 0; i < parts.size(); ++i) ctx.spawn(fill, canopy::write(parts[i]));
  for (std::size_t i = 0; i < parts.size(); ++i)
    ctx.spawn(add_up, canopy::read(parts[i]), canopy::reduce<canopy::Sum>(total));
  return ctx.spawn(read_total, canopy::read(total)).get();
}

int main(int argc, char** argv) {
  canopy::Runtime rt(argc, argv);
  const std::size_t n = 1 << 20, pieces = 64;
  long got = rt.run(top, n, pieces);
  long want = static_cast<long>(n) * static_cast<long>(n - 1) / 2;
  std::printf("sum of 0..%zu over %zu pieces = %ld (%s)\n", n - 1, pieces, got, got == want ? "correct" : "WRONG");
  return got == want ? 0 : 1;
}
