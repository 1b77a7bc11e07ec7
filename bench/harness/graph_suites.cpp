// See graph_suites.hpp.
#include "harness/graph_suites.hpp"

#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "cholesky/cholesky.hpp"

namespace bench {
namespace {

using stencil::Cell;

// ---- cholesky: the matrix and its serial factor, per (n, tile), kept for the process (as matmul's).
struct CholeskyProblem {
  std::vector<double> a, ref;
  double residual = 0;
};

const CholeskyProblem& cholesky_problem(long n, long tile) {
  static std::map<std::pair<long, long>, std::unique_ptr<CholeskyProblem>> cache;
  auto& slot = cache[{n, tile}];
  if (slot) return *slot;
  auto p = std::make_unique<CholeskyProblem>();
  p->a = chol::make_spd(n, 42);
  p->ref = p->a;
  if (!chol::factor_serial(p->ref.data(), n, tile))
    throw std::runtime_error("cholesky: the test matrix is not positive definite");
  p->residual = chol::residual_sampled(p->ref.data(), p->a.data(), n, 4000);
  if (!(p->residual < 1e-12))
    throw std::runtime_error("serial reference disagrees with A: max |L L^T - A| / max|A| = " +
                             std::to_string(p->residual) + " on sampled entries");
  slot = std::move(p);
  return *slot;
}

Sample cholesky_sample(const Input& in, const GraphVersions& v) {
  const long n = in.n;
  const CholeskyProblem& p = cholesky_problem(n, in.tile);
  std::vector<double> work = p.a;
  Sample out;
  out.seconds = v.cholesky(work.data(), n, in.tile, in.leaf);
  // Every version makes the same kernel calls on the same tiles in the same per-tile order, so the
  // factors agree to the last bit; allow rounding anyway.
  const double tolerance = 1e-9 * std::sqrt(static_cast<double>(n));
  double worst = 0;
  for (long i = 0; i < n; ++i)
    for (long j = 0; j <= i; ++j) {
      const auto k = static_cast<std::size_t>(i * n + j);
      const double d = std::fabs(work[k] - p.ref[k]);
      if (d <= tolerance) {
        ++out.answer;
      } else if (out.mismatch.empty()) {
        out.mismatch = "L[" + std::to_string(i) + "][" + std::to_string(j) + "] = " + std::to_string(work[k]) +
                       ", serial " + std::to_string(p.ref[k]);
      }
      if (!(d <= worst)) worst = d;  // NaN counts as the worst
    }
  out.extra = {{"max_abs_diff", worst}};
  return out;
}

// ---- stencil and taskbench: the serial cells of the latest sweep point (each point is one block).
struct GraphReference {
  std::string key;
  std::vector<Cell> cells;
};

taskbench::Work work_of(const Input& in) { return taskbench::work_for(in.kernel, in.iterations, in.graph.width); }

const std::vector<Cell>& expected_cells(SuiteId s, const Input& in) {
  static GraphReference cached;
  const std::string key = std::string(name(s)) + "|" + in.sweep + "|" + in.label;
  if (cached.key != key) {
    cached.key.clear();
    if (s == SuiteId::stencil) stencil::run_serial(in.graph.width, in.graph.steps, in.iterations, cached.cells);
    else taskbench::run_serial(in.graph, work_of(in), cached.cells);
    cached.key = key;
  }
  return cached.cells;
}

// Compares the checked cells (stencil: the last step; taskbench: every task) with the reference.
void check_cells(SuiteId s, const Input& in, const std::vector<Cell>& got, Sample& out) {
  const std::vector<Cell>& want = expected_cells(s, in);
  const taskbench::Graph& g = in.graph;
  auto compare = [&](std::size_t c, long t, long i) {
    if (c < got.size() && got[c].v == want[c].v && got[c].busy == want[c].busy) {
      ++out.answer;
    } else if (out.mismatch.empty()) {
      out.mismatch = "step " + std::to_string(t) + " point " + std::to_string(i) +
                     (c < got.size() ? ": v " + std::to_string(got[c].v) + " busy " + std::to_string(got[c].busy)
                                     : ": missing") +
                     ", expected v " + std::to_string(want[c].v) + " busy " + std::to_string(want[c].busy);
    }
  };
  if (s == SuiteId::stencil) {
    for (long i = 0; i < g.width; ++i) compare(static_cast<std::size_t>(i), g.steps, i);
    return;
  }
  for (long t = 1; t <= g.steps; ++t)
    for (long i = 0; i < g.points_at(t); ++i) compare(static_cast<std::size_t>(t * g.width + i), t, i);
}

}  // namespace

Input cholesky_input(int size_index, std::optional<std::int64_t> n, const GraphParams& g) {
  // small keeps the default run in its minute (~15 ms serial); medium is the README's n = 1536.
  constexpr long kN[] = {768, 1536, 3072};
  Input in;
  in.n = n.value_or(kN[size_index]);
  in.tile = g.tile > 0 ? g.tile : 128;
  in.leaf = g.leaf > 0 ? g.leaf : in.tile / 2;
  if (in.n < 1 || in.n > 16384 || in.tile < 4 || in.n % in.tile != 0)
    throw std::invalid_argument("cholesky: n must be in [1, 16384] and a multiple of the tile");
  if (in.tile % 4 != 0 || in.leaf % 4 != 0 || in.leaf < 4)
    throw std::invalid_argument("cholesky: --tile and --leaf must be multiples of 4");
  in.label = "n=" + std::to_string(in.n) + ", tile " + std::to_string(in.tile);
  return in;
}

Reference graph_reference(SuiteId s, const Input& in) {
  Reference r;
  if (s == SuiteId::cholesky) {
    const CholeskyProblem& p = cholesky_problem(in.n, in.tile);
    const std::int64_t nt = in.n / in.tile;
    r.answer = static_cast<std::uint64_t>(in.n * (in.n + 1) / 2);
    r.tasks = static_cast<std::uint64_t>(nt + nt * (nt - 1) + nt * (nt - 1) * (nt - 2) / 6);
    char note[160];
    std::snprintf(note, sizeof note, "answer = elements of L matching serial; canopy-hier leaf %ld; residual %.1e",
                  in.leaf, p.residual);
    r.note = note;
    return r;
  }
  expected_cells(s, in);
  const std::int64_t tasks = s == SuiteId::stencil ? in.graph.width * in.graph.steps : in.graph.tasks();
  r.answer = static_cast<std::uint64_t>(s == SuiteId::stencil ? in.graph.width : tasks);
  r.tasks = static_cast<std::uint64_t>(tasks);
  r.note = s == SuiteId::stencil ? "answer = cells of the last step matching serial"
                                 : "answer = tasks matching serial (value and kernel result)";
  return r;
}

Sample graph_sample(SuiteId s, const Input& in, const GraphVersions& v) {
  if (s == SuiteId::cholesky) {
    if (!v.cholesky) throw std::logic_error("no cholesky version");
    return cholesky_sample(in, v);
  }
  std::vector<Cell> cells;
  Sample out;
  if (s == SuiteId::stencil) {
    if (!v.stencil) throw std::logic_error("no stencil version");
    out.seconds = v.stencil(in.graph.width, in.graph.steps, in.iterations, cells);
  } else {
    if (!v.taskbench) throw std::logic_error("no taskbench version");
    out.seconds = v.taskbench(in.graph, work_of(in), cells);
  }
  check_cells(s, in, cells, out);
  return out;
}

}  // namespace bench
