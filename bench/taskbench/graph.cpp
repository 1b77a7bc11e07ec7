// taskbench: the patterns' dependences and the serial reference.
#include <algorithm>
#include <stdexcept>

#include "taskbench/taskbench.hpp"

namespace bench::taskbench {

const std::vector<std::string>& pattern_names() {
  static const std::vector<std::string> names = {"trivial", "stencil_1d", "tree", "fft", "all_to_all"};
  return names;
}

Pattern pattern_of(const std::string& name) {
  const auto& n = pattern_names();
  auto it = std::find(n.begin(), n.end(), name);
  if (it == n.end()) throw std::invalid_argument("unknown taskbench pattern '" + name + "'");
  return static_cast<Pattern>(it - n.begin());
}

const char* name_of(Pattern p) { return pattern_names()[static_cast<std::size_t>(p)].c_str(); }

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

std::vector<std::uint64_t> reference_values(const Graph& g) {
  const auto w = static_cast<std::size_t>(g.width);
  std::vector<std::uint64_t> v(w * static_cast<std::size_t>(g.steps + 1), 0);
  for (std::size_t i = 0; i < w; ++i) v[i] = stencil::initial(static_cast<long>(i));
  long d[kMaxWidth];
  std::uint64_t in[kMaxWidth];
  for (long t = 1; t <= g.steps; ++t) {
    const std::uint64_t* prev = &v[static_cast<std::size_t>(t - 1) * w];
    for (long i = 0; i < g.points_at(t); ++i) {
      const int k = g.deps(t, i, d);
      for (int j = 0; j < k; ++j) in[j] = prev[d[j]];
      v[static_cast<std::size_t>(t) * w + static_cast<std::size_t>(i)] = task_value(in, k, t, i);
    }
  }
  return v;
}

}  // namespace bench::taskbench
