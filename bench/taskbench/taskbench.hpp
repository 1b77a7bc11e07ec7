// taskbench: Task Bench's dependence patterns (Slaughter et al., "Task Bench", SC'20) over a grid of
// W points x T timesteps, for a METG(50%) sweep per pattern and runtime.
//
// Row 0 holds the initial values (written before the timed region, not a task); the task of point i
// at step t (1 <= t <= T) reads the points deps(t, i) of row t-1 and writes point i of row t. Every
// row is its own buffer (one Canopy region of W cells per row, cut into W pieces), so the graph has
// only read-after-write edges, as in Task Bench. Patterns (W a power of two for fft):
//   trivial     no dependences
//   stencil_1d  i-1, i, i+1 (those inside the grid)
//   tree        i/2; row t has min(W, 2^(t-1)) points (the width doubles each step up to W)
//   fft         i and i xor 2^(t mod log2 W) (butterfly)
//   all_to_all  every point of row t-1
// A task computes v, a hash of its inputs' v (checked exactly against a serial run, so a task that ran
// before its inputs were written is caught), and `busy`, the result of its kernel seeded by v: Task
// Bench's two kernels, `compute` (stencil's multiply-adds) or `memory` (a stream over the point's own
// scratch buffer, see kernel.cpp); `iterations` scales either one linearly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "stencil/stencil.hpp"

namespace canopy {
class Runtime;
}

namespace bench::taskbench {

using stencil::Cell;

enum class Pattern { trivial, stencil_1d, tree, fft, all_to_all };
inline constexpr long kMaxWidth = 16;  // the Canopy version spawns with at most kMaxWidth reads

const std::vector<std::string>& pattern_names();
Pattern pattern_of(const std::string& name);  // throws std::invalid_argument
const char* name_of(Pattern p);

enum class Kernel { compute, memory };
const std::vector<std::string>& kernel_names();
Kernel kernel_of(const std::string& name);  // throws std::invalid_argument
const char* name_of(Kernel k);

/// One cache line of a scratch buffer.
struct alignas(64) Line {
  std::uint64_t w[8];
};

/// Scratch holds one buffer per point for the memory kernel, filled once with a fixed pattern and only
/// read afterwards: tasks of one point that a pattern leaves unordered (trivial) may then run at the
/// same time without a race, and their results stay exactly checkable.
struct Scratch {
  long width = 0;
  std::size_t lines_per_point = 0;
  std::vector<Line> lines;  // point i: [i * lines_per_point, (i + 1) * lines_per_point)
  const Line* point(long i) const { return lines.data() + static_cast<std::size_t>(i) * lines_per_point; }
};
/// scratch_for returns the buffers for `width` points, built on first use (untimed) and kept until a
/// different width is asked for. Not thread-safe: call it before the tasks run.
const Scratch& scratch_for(long width);

/// Work is what a task does after computing v: `iterations` units of its kernel. Trivially copyable,
/// so every version passes it to its tasks by value.
struct Work {
  Kernel kernel = Kernel::compute;
  long iterations = 0;
  const Scratch* scratch = nullptr;  // the memory kernel's buffers
  /// The kernel's result for task (t, i) seeded by v; defined out of line (kernel.cpp) so that every
  /// version runs the same machine code.
  double operator()(std::uint64_t v, long t, long i) const;
};
/// work_for is the Work of `iterations` units of `k` on `width` points (builds the scratch buffers).
Work work_for(Kernel k, long iterations, long width);
/// seconds_per_iteration times one unit of `k` on one core, alone (best of 3), to place a sweep's sizes;
/// the memory kernel's on the scratch buffers of `width` points.
double seconds_per_iteration(Kernel k, long width);

struct Graph {
  Pattern pattern = Pattern::stencil_1d;
  long width = 4;
  long steps = 8;
  /// points_at is the number of points of row t (row 0: all W).
  long points_at(long t) const;
  /// deps writes the points of row t-1 that task (t, i) reads, ascending, and returns their count.
  int deps(long t, long i, long* out) const;
  long tasks() const;
};

/// task_value is v of task (t, i) from its inputs' v (in deps order).
inline std::uint64_t task_value(const std::uint64_t* in, int k, long t, long i) {
  std::uint64_t h = static_cast<std::uint64_t>(t) * 0x9e3779b97f4a7c15ull + static_cast<std::uint64_t>(i);
  for (int d = 0; d < k; ++d) h = stencil::mix(h) + in[d] * static_cast<std::uint64_t>(2 * d + 3);
  return stencil::mix(h);
}

/// The timed versions run the whole graph (task creation, execution, final wait) and return the
/// seconds; `cells` receives rows 0..T (row-major, W per row; zero where a row has fewer points).
/// The serial one, in row order, is also the reference the others are checked against.
double run_serial(const Graph& g, const Work& work, std::vector<Cell>& cells);
double run_canopy(canopy::Runtime& rt, const Graph& g, const Work& work, std::vector<Cell>& cells);
double run_omp(int workers, const Graph& g, const Work& work, std::vector<Cell>& cells);

}  // namespace bench::taskbench
