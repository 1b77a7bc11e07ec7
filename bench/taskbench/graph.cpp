// taskbench: the patterns' dependences and the serial version (also the reference).
#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "taskbench/taskbench.hpp"

namespace bench::taskbench {
namespace {

std::size_t index_in(const std::vector<std::string>& names, const std::string& name, const char* what) {
  auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) throw std::invalid_argument(std::string("unknown taskbench ") + what + " '" + name + "'");
  return static_cast<std::size_t>(it - names.begin());
}

}  // namespace

const std::vector<std::string>& pattern_names() {
  static const std::vector<std::string> names = {"trivial", "stencil_1d", "tree", "fft", "all_to_all"};
  return names;
}

Pattern pattern_of(const std::string& name) { return static_cast<Pattern>(index_in(pattern_names(), name, "pattern")); }

const char* name_of(Pattern p) { return pattern_names()[static_cast<std::size_t>(p)].c_str(); }

const std::vector<std::string>& kernel_names() {
  static const std::vector<std::string> names = {"compute", "memory"};
  return names;
}

Kernel kernel_of(const std::string& name) { return static_cast<Kernel>(index_in(kernel_names(), name, "kernel")); }

const char* name_of(Kernel k) { return kernel_names()[static_cast<std::size_t>(k)].c_str(); }

long Graph::points_at(long t) const {
  if (pattern != Pattern::tree || t == 0 || t - 1 >= 62) return width;
  return std::min(width, 1L << (t - 1));
}

int Graph::deps(long t, long i, long* out) const {
  int k = 0;
  switch (pattern) {
    case Pattern::trivial:
      break;
    case Pattern::stencil_1d:
      if (i > 0) out[k++] = i - 1;
      out[k++] = i;
      if (i + 1 < width) out[k++] = i + 1;
      break;
    case Pattern::tree:
      out[k++] = i / 2;
      break;
    case Pattern::fft: {
      int log2w = 0;
      while ((1L << (log2w + 1)) <= width) ++log2w;
      if (log2w == 0) {
        out[k++] = i;
        break;
      }
      const long j = i ^ (1L << (t % log2w));
      out[k++] = std::min(i, j);
      out[k++] = std::max(i, j);
      break;
    }
    case Pattern::all_to_all:
      for (long j = 0; j < width; ++j) out[k++] = j;
      break;
  }
  return k;
}

long Graph::tasks() const {
  long n = 0;
  for (long t = 1; t <= steps; ++t) n += points_at(t);
  return n;
}

double run_serial(const Graph& g, const Work& work, std::vector<Cell>& cells) {
  const auto w = static_cast<std::size_t>(g.width);
  cells.assign(w * static_cast<std::size_t>(g.steps + 1), Cell{});
  for (std::size_t i = 0; i < w; ++i) cells[i] = Cell{stencil::initial(static_cast<long>(i)), 0.0};
  long d[kMaxWidth];
  std::uint64_t in[kMaxWidth];
  const auto t0 = std::chrono::steady_clock::now();
  for (long t = 1; t <= g.steps; ++t) {
    const Cell* prev = &cells[static_cast<std::size_t>(t - 1) * w];
    Cell* row = &cells[static_cast<std::size_t>(t) * w];
    for (long i = 0; i < g.points_at(t); ++i) {
      const int k = g.deps(t, i, d);
      for (int j = 0; j < k; ++j) in[j] = prev[d[j]].v;
      row[i].v = task_value(in, k, t, i);
      row[i].busy = work(row[i].v, t, i);
    }
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace bench::taskbench
