// See sweep.hpp.
#include "harness/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <stdexcept>

#include "harness/metg.hpp"

namespace bench {
namespace {

struct Range {
  double max_task_us, min_task_us, target_ms;
  long max_tasks;
};

// small keeps the default run's eleven sweeps within its minute: fewer sizes, 3 ms runs, and a task
// cap that bounds a run below METG. medium is what the README's METG figures were measured with.
Range range_of(std::string_view size, const GraphParams& g) {
  Range r = size == "small" ? Range{32, 1, 3, 2000} : size == "large" ? Range{400, 0.125, 20, 20000}
                                                                      : Range{200, 0.25, 10, 10000};
  if (g.max_task_us > 0) r.max_task_us = g.max_task_us;
  if (g.min_task_us > 0) r.min_task_us = g.min_task_us;
  if (g.target_ms > 0) r.target_ms = g.target_ms;
  if (g.max_tasks > 0) r.max_tasks = g.max_tasks;
  if (!(r.min_task_us <= r.max_task_us)) throw std::invalid_argument("need --min-task-us <= --max-task-us");
  return r;
}

// Seconds per iteration, measured once per kernel and width, so that every sweep of a run uses the
// same task sizes.
double calibrated(taskbench::Kernel k, long width) {
  static std::map<std::pair<taskbench::Kernel, long>, double> cache;
  auto [it, fresh] = cache.try_emplace({k, width}, 0.0);
  if (fresh) it->second = taskbench::seconds_per_iteration(k, width);
  return it->second;
}

std::string fixed(const char* f, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

std::vector<SweepSpec> sweeps_of(SuiteId s, const GraphParams& g, int workers) {
  using namespace taskbench;
  if (s == SuiteId::stencil) {
    const long width = g.width > 0 ? g.width : workers;
    return {SweepSpec{s, Pattern::stencil_1d, Kernel::compute, width}};
  }
  const long width = g.width > 0 ? g.width : std::clamp(static_cast<long>(workers), 4L, kMaxWidth);
  if (width > kMaxWidth) throw std::invalid_argument("taskbench: --width must be at most " + std::to_string(kMaxWidth));
  std::vector<SweepSpec> out;
  std::vector<Pattern> patterns = g.patterns;
  std::vector<Kernel> kernels = g.kernels;
  if (patterns.empty())
    for (const std::string& p : pattern_names()) patterns.push_back(pattern_of(p));
  if (kernels.empty())
    for (const std::string& k : kernel_names()) kernels.push_back(kernel_of(k));
  for (Pattern p : patterns) {
    if (p == Pattern::fft && (width & (width - 1)) != 0) {
      std::cerr << "[canopy-bench] taskbench fft skipped: width " << width << " is not a power of two\n";
      continue;
    }
    for (Kernel k : kernels) out.push_back(SweepSpec{s, p, k, width});
  }
  return out;
}

Sweep::Sweep(const SweepSpec& spec, std::string_view size, const GraphParams& g, int workers,
             std::vector<RuntimeId> runtimes)
    : spec_(spec), workers_(workers), runtimes_(std::move(runtimes)) {
  const Range r = range_of(size, g);
  calibrated_ = calibrated(spec.kernel, spec.width);
  target_s_ = r.target_ms * 1e-3;
  max_tasks_ = r.max_tasks;
  // Halving the exact size, not the rounded iteration count, so that the smallest size is not lost
  // to rounding (4 us -> 2 us -> 1 us stays three sizes).
  const double first = r.max_task_us * 1e-6 / calibrated_;
  for (double it = first; sizes_.empty() || it * calibrated_ >= r.min_task_us * 1e-6 * 0.999; it /= 2) {
    const long n = std::max(1L, std::lround(it));
    if (!sizes_.empty() && n >= sizes_.back()) break;  // down to one iteration already
    sizes_.push_back(n);
  }
}

std::optional<Input> Sweep::next() {
  if (next_ >= sizes_.size() || dropped_.size() >= runtimes_.size()) return std::nullopt;
  Input in;
  in.iterations = sizes_[next_++];
  in.kernel = spec_.kernel;
  const double task_s = static_cast<double>(in.iterations) * calibrated_;
  const double want_steps = target_s_ * workers_ / (static_cast<double>(spec_.width) * task_s);
  const long steps = std::clamp(static_cast<long>(want_steps), 8L, std::max(8L, max_tasks_ / spec_.width));
  in.graph = taskbench::Graph{spec_.pattern, spec_.width, steps};
  in.sweep = std::string(taskbench::name_of(spec_.pattern)) + "/" + taskbench::name_of(spec_.kernel);
  in.label = "W" + std::to_string(spec_.width) + " x " + std::to_string(steps) + " steps, " +
             std::to_string(in.iterations) + " it (~" + fixed("%.2f", task_s * 1e6) + " us)";
  return in;
}

void Sweep::record(const Block& b) {
  done_.push_back(b);
  for (const MetgCurve& c : metg_curves(done_)) {
    if (dropped(c.runtime)) continue;
    const bool ran_here = !c.points.empty() && c.points.back().iterations == b.input.iterations;
    if (c.failed) dropped_.emplace_back(c.runtime, "failed at a larger task size");
    else if (ran_here && c.points.back().best_efficiency < 0.1)
      dropped_.emplace_back(c.runtime, "under 10% efficiency at a larger task size");
  }
}

std::optional<std::string> Sweep::dropped(RuntimeId r) const {
  for (const auto& [id, why] : dropped_)
    if (id == r) return why;
  return std::nullopt;
}

}  // namespace bench
