// Canopy stencil_1d: two regions of W cells (steps alternate between them), each cut into W pieces by
// partition_equal; the task of piece i at step t asks for read on pieces i-1, i, i+1 of the previous
// step's region and write on piece i of this step's. The root spawns all T x W tasks up front, in
// program order, and the analyzer orders them (read-after-write and write-after-read alike).
#include <canopy/canopy.hpp>

#include "spawn_deps/deps.hpp"
#include "stencil/stencil.hpp"

namespace bench::stencil {
namespace {

void step_task(canopy::Context&, canopy::Read<Cell> l, canopy::Read<Cell> c, canopy::Read<Cell> r,
               canopy::Write<Cell> out, long t, long iterations) {
  const std::int64_t i = out.bounds().lo[0];
  compute(l[l.bounds().lo[0]], c[i], r[r.bounds().lo[0]], out[i], t, i, iterations);
}

double stencil_top(canopy::Context& ctx, long width, long steps, long iterations, Cell* final_row) {
  canopy::Region<Cell> buf[2] = {ctx.create_region<Cell>(static_cast<std::size_t>(width)),
                                 ctx.create_region<Cell>(static_cast<std::size_t>(width))};
  {
    canopy::Write<Cell> first = ctx.access(canopy::write(buf[0]));
    for (long i = 0; i < width; ++i) first[i] = Cell{initial(i), 0.0};
  }
  std::vector<canopy::Region<Cell>> piece[2];
  for (int b = 0; b < 2; ++b) {
    auto p = buf[b].partition_equal(static_cast<std::size_t>(width));
    for (long i = 0; i < width; ++i) piece[b].push_back(p[static_cast<std::size_t>(i)]);
  }

  const auto t0 = deps::Clock::now();
  for (long t = 1; t <= steps; ++t) {
    const auto& in = piece[(t - 1) % 2];
    const auto& out = piece[t % 2];
    for (long i = 0; i < width; ++i) {
      const long l = i > 0 ? i - 1 : 0, r = i + 1 < width ? i + 1 : width - 1;
      ctx.spawn(step_task, canopy::read(in[static_cast<std::size_t>(l)]), canopy::read(in[static_cast<std::size_t>(i)]),
                canopy::read(in[static_cast<std::size_t>(r)]), canopy::write(out[static_cast<std::size_t>(i)]), t,
                iterations);
    }
  }
  ctx.wait_all();
  const double seconds = deps::seconds_since(t0);

  canopy::Read<Cell> last = ctx.access(canopy::read(buf[steps % 2]));
  for (long i = 0; i < width; ++i) final_row[i] = last[i];
  return seconds;
}

}  // namespace

double run_canopy(canopy::Runtime& rt, long width, long steps, long iterations, std::vector<Cell>& final_row) {
  final_row.assign(static_cast<std::size_t>(width), Cell{});
  return rt.run(stencil_top, width, steps, iterations, final_row.data());
}

}  // namespace bench::stencil
