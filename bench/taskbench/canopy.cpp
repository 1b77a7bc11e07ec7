// Canopy taskbench: one region of W cells per row, cut into W pieces by partition_equal; the task of
// point i at step t asks for read on the pieces deps(t, i) of row t-1 and write on piece i of row t.
// The root spawns every task up front, in program order, and the analyzer derives the graph. The
// number of reads is a template parameter (0..kMaxWidth), picked at run time from a table.
#include <array>
#include <utility>

#include <canopy/canopy.hpp>

#include "spawn_deps/deps.hpp"
#include "taskbench/taskbench.hpp"

namespace bench::taskbench {
namespace {

using Piece = canopy::Region<Cell>;
template <std::size_t>
using ReadCell = canopy::Read<Cell>;

template <class Seq>
struct Task;
template <std::size_t... I>
struct Task<std::index_sequence<I...>> {
  static void run(canopy::Context&, ReadCell<I>... in, canopy::Write<Cell> out, long t, Work work) {
    const std::int64_t i = out.bounds().lo[0];
    const std::uint64_t v[sizeof...(I) + 1] = {in[in.bounds().lo[0]].v..., 0};
    Cell& c = out[i];
    c.v = task_value(v, static_cast<int>(sizeof...(I)), t, static_cast<long>(i));
    c.busy = work(c.v, t, static_cast<long>(i));
  }
  static void spawn(canopy::Context& ctx, const Piece* const* in, const Piece& out, long t, const Work& work) {
    ctx.spawn(&run, canopy::read(*in[I])..., canopy::write(out), t, work);
  }
};

using Spawner = void (*)(canopy::Context&, const Piece* const*, const Piece&, long, const Work&);
template <std::size_t... K>
constexpr std::array<Spawner, sizeof...(K)> make_spawners(std::index_sequence<K...>) {
  return {&Task<std::make_index_sequence<K>>::spawn...};
}
constexpr auto kSpawners = make_spawners(std::make_index_sequence<kMaxWidth + 1>{});

double taskbench_top(canopy::Context& ctx, const Graph* gp, Work work, Cell* cells) {
  const Graph& g = *gp;
  const auto w = static_cast<std::size_t>(g.width);
  std::vector<Piece> rows;
  std::vector<std::vector<Piece>> piece(static_cast<std::size_t>(g.steps + 1));
  for (long t = 0; t <= g.steps; ++t) {
    rows.push_back(ctx.create_region<Cell>(w));
    auto p = rows.back().partition_equal(w);
    for (std::size_t i = 0; i < w; ++i) piece[static_cast<std::size_t>(t)].push_back(p[i]);
  }
  {
    canopy::Write<Cell> first = ctx.access(canopy::write(rows[0]));
    for (long i = 0; i < g.width; ++i) first[i] = Cell{stencil::initial(i), 0.0};
  }

  long d[kMaxWidth];
  const Piece* in[kMaxWidth];
  const auto t0 = deps::Clock::now();
  for (long t = 1; t <= g.steps; ++t) {
    const auto& prev = piece[static_cast<std::size_t>(t - 1)];
    const auto& cur = piece[static_cast<std::size_t>(t)];
    for (long i = 0; i < g.points_at(t); ++i) {
      const int k = g.deps(t, i, d);
      for (int j = 0; j < k; ++j) in[j] = &prev[static_cast<std::size_t>(d[j])];
      kSpawners[static_cast<std::size_t>(k)](ctx, in, cur[static_cast<std::size_t>(i)], t, work);
    }
  }
  ctx.wait_all();
  const double seconds = deps::seconds_since(t0);

  for (long t = 0; t <= g.steps; ++t) {
    canopy::Read<Cell> row = ctx.access(canopy::read(rows[static_cast<std::size_t>(t)]));
    for (long i = 0; i < g.points_at(t); ++i) cells[static_cast<std::size_t>(t) * w + static_cast<std::size_t>(i)] = row[i];
  }
  return seconds;
}

}  // namespace

double run_canopy(canopy::Runtime& rt, const Graph& g, const Work& work, std::vector<Cell>& cells) {
  cells.assign(static_cast<std::size_t>(g.width * (g.steps + 1)), Cell{});
  return rt.run(taskbench_top, &g, work, cells.data());
}

}  // namespace bench::taskbench
