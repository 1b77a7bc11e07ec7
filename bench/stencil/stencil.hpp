// stencil: Task Bench's stencil_1d pattern. W pieces per time step, T steps; the task of piece i at
// step t reads pieces i-1, i, i+1 of step t-1 (clamped at the edges) and writes piece i of step t.
// Steps alternate between two buffers (step t lives in buffer t % 2), so a task's write must also
// wait for the readers of that buffer two steps back, and every version has to get that right.
//
// A task computes two things: the value v, a hash of its inputs' values (cheap, checked exactly
// against a serial run, so a task that ran too early or too late is caught), and `busy`, the
// result of `iterations` rounds of compute-bound work seeded by v (the adjustable task size).
#pragma once

#include <cstdint>
#include <vector>

namespace canopy {
class Runtime;
}

namespace bench::stencil {

/// Cell is one piece: a whole cache line, so that neighbouring tasks do not share one.
struct alignas(64) Cell {
  std::uint64_t v = 0;
  double busy = 0;
};

inline std::uint64_t mix(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
/// value is v of piece i at step t from its three inputs' v.
inline std::uint64_t value(std::uint64_t left, std::uint64_t centre, std::uint64_t right, long t, long i) {
  return mix(left * 3 + centre * 5 + right * 7 + static_cast<std::uint64_t>(t) * 0x9e3779b97f4a7c15ull +
             static_cast<std::uint64_t>(i));
}
/// initial is v of piece i before step 1.
inline std::uint64_t initial(long i) { return mix(static_cast<std::uint64_t>(i) + 1); }

/// busy_work: `iterations` rounds of 8 independent multiply-adds (16 flops), seeded by `seed`.
/// Defined out of line (kernel.cpp) so that every version runs the same machine code.
double busy_work(std::uint64_t seed, long iterations);

/// The task body, shared by the versions.
inline void compute(const Cell& l, const Cell& c, const Cell& r, Cell& out, long t, long i, long iterations) {
  out.v = value(l.v, c.v, r.v, t, i);
  out.busy = busy_work(out.v, iterations);
}

/// The timed versions: run the whole graph (task creation, execution, final wait) and return the
/// seconds; `final_row` receives the W cells of the last step. The serial one is also the reference.
double run_serial(long width, long steps, long iterations, std::vector<Cell>& final_row);
double run_canopy(canopy::Runtime& rt, long width, long steps, long iterations, std::vector<Cell>& final_row);
double run_omp(int workers, long width, long steps, long iterations, std::vector<Cell>& final_row);

}  // namespace bench::stencil
