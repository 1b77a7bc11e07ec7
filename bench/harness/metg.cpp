// See metg.hpp.
#include "harness/metg.hpp"

#include <algorithm>

namespace bench {

Metg metg_50(const std::vector<std::pair<double, double>>& samples) {
  Metg m;
  double prev_gran = NAN, prev_eff = NAN;
  for (const auto& [gran, eff] : samples) {
    if (eff >= 0.5) {
      if (!(gran >= m.measured)) m.measured = gran;
    } else if (std::isnan(m.interpolated) && prev_eff >= 0.5) {
      const double f = (prev_eff - 0.5) / (prev_eff - eff);
      m.interpolated = std::exp(std::log(prev_gran) + f * (std::log(gran) - std::log(prev_gran)));
    }
    prev_gran = gran;
    prev_eff = eff;
  }
  return m;
}

namespace {

bool same_sweep(const Block& a, const Block& b) {
  return a.suite == b.suite && a.input.sweep == b.input.sweep && a.workers == b.workers &&
         a.input.graph.width == b.input.graph.width;
}

// The sweep's rate: the fastest run of any runtime at its largest task size (its first block).
double rate_of(const Block& first) {
  double rate = NAN;
  for (const RuntimeResult& r : first.results) {
    if (!r.error.empty() || r.samples.empty()) continue;
    const Summary s = summarize(r.samples);
    const double x = s.min * first.workers / (static_cast<double>(first.ref.tasks) * first.input.iterations);
    if (!(x >= rate)) rate = x;  // the smallest; NaN at first
  }
  return rate;
}

// The curves of one sweep, whose blocks are `sweep` (largest task first).
void add_curves(const std::vector<const Block*>& sweep, std::vector<MetgCurve>& out) {
  const Block& first = *sweep.front();
  const double rate = rate_of(first);
  for (const RuntimeResult& r0 : first.results) {
    MetgCurve c;
    c.suite = first.suite;
    c.sweep = first.input.sweep;
    c.width = first.input.graph.width;
    c.workers = first.workers;
    c.runtime = r0.runtime;
    c.rate = rate;
    std::vector<std::pair<double, double>> medians, fastest;
    for (const Block* b : sweep)
      for (const RuntimeResult& r : b->results) {
        if (r.runtime != c.runtime) continue;
        if (!r.error.empty()) c.failed = true;
        if (!r.error.empty() || r.samples.empty() || !std::isfinite(rate)) continue;
        const Summary s = summarize(r.samples);
        const double tasks = static_cast<double>(b->ref.tasks), w = b->workers;
        const double ideal = rate * tasks * static_cast<double>(b->input.iterations) / w;
        CurvePoint p{b->input.iterations, tasks, s.median * w / tasks * 1e6, ideal / s.median,
                     s.min * w / tasks * 1e6, ideal / s.min};
        c.points.push_back(p);
        medians.emplace_back(p.granularity_us, p.efficiency);
        fastest.emplace_back(p.best_granularity_us, p.best_efficiency);
      }
    if (!c.failed) {
      c.median = metg_50(medians);
      c.fastest = metg_50(fastest);
    }
    out.push_back(std::move(c));
  }
}

}  // namespace

std::vector<MetgCurve> metg_curves(const std::vector<Block>& blocks) {
  std::vector<std::vector<const Block*>> sweeps;
  for (const Block& b : blocks) {
    if (b.input.sweep.empty()) continue;
    auto it = std::find_if(sweeps.begin(), sweeps.end(), [&](const auto& s) { return same_sweep(*s.front(), b); });
    if (it == sweeps.end()) sweeps.push_back({&b});
    else it->push_back(&b);
  }
  std::vector<MetgCurve> out;
  for (auto& s : sweeps) {
    std::stable_sort(s.begin(), s.end(),
                     [](const Block* a, const Block* b) { return a->input.iterations > b->input.iterations; });
    add_curves(s, out);
  }
  return out;
}

}  // namespace bench
