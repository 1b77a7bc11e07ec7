// taskbench's two kernels (Task Bench's compute_bound and memory_bound) and their calibration.
//
// memory: one iteration reads one 64-byte line of the point's own scratch buffer. The task (t, i) reads
// `iterations` lines of point i's buffer starting where the task (t-1, i) stopped, wrapping around, so
// consecutive tasks of a point stream through the whole buffer before any line is read again. The
// buffers total kScratchBytes, twice the 32 MiB L3 of the machine this was tuned on, so a line has been
// evicted by the time it comes round again and every task pays memory bandwidth, not cache bandwidth.
// Task Bench's kernel copies half of each sample onto the other half; this one only reads (see
// Scratch in taskbench.hpp for why), which streams the same bytes from memory per iteration.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>

#include "taskbench/taskbench.hpp"

namespace bench::taskbench {
namespace {

constexpr std::size_t kScratchBytes = std::size_t{64} << 20;
constexpr std::size_t kMinPointBytes = std::size_t{1} << 20;

// Reads `count` lines from `start` on (wrapping at `lines`) into eight independent sums, so that the
// loop is limited by the loads, not by one chain of additions.
double stream(const Line* buf, std::size_t lines, std::size_t start, long count, std::uint64_t seed) {
  std::uint64_t acc[8] = {};
  std::size_t pos = start % lines;
  auto left = static_cast<std::size_t>(count);
  while (left > 0) {
    const std::size_t run = std::min(left, lines - pos);
    for (const Line* l = buf + pos; l != buf + pos + run; ++l)
      for (int k = 0; k < 8; ++k) acc[k] += l->w[k] ^ seed;
    left -= run;
    pos = 0;
  }
  std::uint64_t h = seed;
  for (int k = 0; k < 8; ++k) h = stencil::mix(h + acc[k]);
  return static_cast<double>(h >> 11);  // exact in a double, so results compare with ==
}

template <class Once>
double best_of_3(const Once& once) {
  double best = INFINITY;
  for (int i = 0; i < 3; ++i) best = std::min(best, once(i));
  return best;
}

}  // namespace

const Scratch& scratch_for(long width) {
  static std::unique_ptr<Scratch> cached;
  if (cached && cached->width == width) return *cached;
  cached.reset();  // free the old buffers before the new ones are touched
  auto s = std::make_unique<Scratch>();
  s->width = width;
  const std::size_t bytes = std::max(kScratchBytes / static_cast<std::size_t>(width), kMinPointBytes);
  s->lines_per_point = bytes / sizeof(Line);
  s->lines.resize(s->lines_per_point * static_cast<std::size_t>(width));
  std::uint64_t x = 0;
  for (Line& l : s->lines)
    for (std::uint64_t& w : l.w) w = stencil::mix(++x);
  cached = std::move(s);
  return *cached;
}

double Work::operator()(std::uint64_t v, long t, long i) const {
  if (kernel == Kernel::compute) return stencil::busy_work(v, iterations);
  const std::size_t start = static_cast<std::size_t>(t - 1) * static_cast<std::size_t>(iterations);
  return stream(scratch->point(i), scratch->lines_per_point, start, iterations, v);
}

Work work_for(Kernel k, long iterations, long width) {
  return Work{k, iterations, k == Kernel::memory ? &scratch_for(width) : nullptr};
}

double seconds_per_iteration(Kernel k, long width) {
  using clock = std::chrono::steady_clock;
  if (k == Kernel::compute)
    return best_of_3([](int i) {
      const long n = 1 << 20;
      const auto t0 = clock::now();
      volatile double sink = stencil::busy_work(12345u + static_cast<unsigned>(i), n);
      (void)sink;
      return std::chrono::duration<double>(clock::now() - t0).count() / static_cast<double>(n);
    });
  // One pass over all of the buffers, from memory, as the tasks see them.
  const Scratch& s = scratch_for(width);
  return best_of_3([&](int i) {
    const auto n = static_cast<long>(s.lines.size());
    const auto t0 = clock::now();
    volatile double sink = stream(s.lines.data(), s.lines.size(), 0, n, static_cast<std::uint64_t>(i));
    (void)sink;
    return std::chrono::duration<double>(clock::now() - t0).count() / static_cast<double>(n);
  });
}

}  // namespace bench::taskbench
