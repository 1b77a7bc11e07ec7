// The stencil suite: METG(50%) of stencil_1d (Slaughter et al., "Task Bench", SC'20).
//
// The task size (kernel iterations) is swept downward, halving from --max-task-us to --min-task-us.
// For each size every runtime runs the whole graph `repeat` times (after a warm-up), checked:
//   granularity = wall time x workers / tasks                       (us per task, as Task Bench)
//   efficiency  = ideal time / wall time, ideal = tasks x iterations x rate / workers,
// where `rate` (seconds per kernel iteration) comes from the largest task size: the best of the
// runtimes' medians there. METG(50%) is the smallest granularity at which efficiency is still >= 50%;
// the interpolated figure is where the line between the last point above 50% and the first below
// crosses 50% (log-linear in granularity).
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>

#include <canopy/canopy.hpp>

#include "spawn_deps/deps.hpp"
#include "stencil/stencil.hpp"

namespace bench::deps {

namespace {

struct Point {
  long iterations = 0;
  long steps = 0;
  std::vector<Stats> per_runtime;  // parallel to the runtimes
};

struct Runner {
  std::string name;
  std::function<double(long steps, long iterations, std::vector<stencil::Cell>&)> run;
  std::string error;
};

// Seconds per kernel iteration on one core, timed alone (best of 3), to place the sweep's sizes.
double calibrate() {
  double best = INFINITY;
  const long k = 1 << 20;
  for (int i = 0; i < 3; ++i) {
    const auto t0 = Clock::now();
    volatile double sink = stencil::busy_work(12345u + static_cast<unsigned>(i), k);
    (void)sink;
    best = std::min(best, seconds_since(t0) / static_cast<double>(k));
  }
  return best;
}

}  // namespace

bool run_stencil(const Options& o) {
  using namespace bench::stencil;
  const int workers = o.workers;
  const long width = o.width > 0 ? o.width : workers;
  const double calibrated = calibrate();

  std::unique_ptr<canopy::Runtime> rt;
  std::vector<Runner> runners;
  if (wants(o, "canopy")) {
    canopy::Config cfg;
    cfg.workers = workers;
    rt = std::make_unique<canopy::Runtime>(cfg);
    runners.push_back({"canopy", [&](long s, long it, std::vector<Cell>& row) { return run_canopy(*rt, width, s, it, row); }, {}});
  }
  if (wants(o, "omp"))
    runners.push_back({"omp", [&](long s, long it, std::vector<Cell>& row) { return run_omp(workers, width, s, it, row); }, {}});
  if (runners.empty()) return true;

  std::vector<Point> points;
  double rate = NAN;  // seconds per iteration, from the largest size
  int below = 0;      // consecutive sizes at which every runtime was under 10% efficiency
  for (long iterations = std::max(1L, static_cast<long>(o.max_task_us * 1e-6 / calibrated));
       iterations >= 1 && static_cast<double>(iterations) * calibrated >= o.min_task_us * 1e-6 * 0.999 && below < 2;
       iterations /= 2) {
    Point p;
    p.iterations = iterations;
    const double task_s = static_cast<double>(iterations) * calibrated;
    const double want_steps = o.target_ms * 1e-3 * workers / (static_cast<double>(width) * task_s);
    p.steps = std::clamp(static_cast<long>(want_steps), 8L, std::max(8L, o.max_tasks / width));
    const std::vector<std::uint64_t> ref = reference_values(width, p.steps);
    std::vector<double> busy_ref(ref.size());
    for (std::size_t i = 0; i < ref.size(); ++i) busy_ref[i] = busy_work(ref[i], iterations);

    std::cerr << "[stencil] " << iterations << " iterations (~" << fmt("%.2f", task_s * 1e6) << " us), " << p.steps
              << " steps x " << width << ": warm-up";
    std::vector<std::vector<double>> secs(runners.size());
    std::vector<Cell> row;
    for (int rep = -1; rep < o.repeat; ++rep) {
      if (rep >= 0) std::cerr << ", run " << rep + 1;
      for (std::size_t r = 0; r < runners.size(); ++r) {
        Runner& x = runners[r];
        if (!x.error.empty()) continue;
        try {
          const double s = x.run(p.steps, iterations, row);
          for (long i = 0; i < width && x.error.empty(); ++i) {
            const auto u = static_cast<std::size_t>(i);
            if (row[u].v != ref[u] || row[u].busy != busy_ref[u])
              x.error = "wrong answer at piece " + std::to_string(i) + " after " + std::to_string(p.steps) +
                        " steps (" + std::to_string(iterations) + " iterations): v " + std::to_string(row[u].v) +
                        " busy " + fmt("%.17g", row[u].busy) + ", expected v " + std::to_string(ref[u]) + " busy " +
                        fmt("%.17g", busy_ref[u]);
          }
          if (!x.error.empty()) loud_error("stencil", x.name, x.error);
          else if (rep >= 0) secs[r].push_back(s);
        } catch (const std::exception& e) {
          x.error = std::string("exception: ") + e.what();
          loud_error("stencil", x.name, x.error);
        }
        settle(o);
      }
    }
    std::cerr << "\n";
    for (auto& v : secs) p.per_runtime.push_back(stats_of(v));
    const double tasks = static_cast<double>(p.steps * width);
    if (points.empty()) {
      for (const Stats& s : p.per_runtime)
        if (s.valid) {
          const double r = s.median * workers / (tasks * static_cast<double>(iterations));
          if (!(r >= rate)) rate = r;  // the best (smallest); NaN at first
        }
    }
    bool all_low = true;
    for (const Stats& s : p.per_runtime)
      if (s.valid && rate * tasks * static_cast<double>(iterations) / workers / s.median >= 0.1) all_low = false;
    below = all_low ? below + 1 : 0;
    points.push_back(std::move(p));
  }

  // The table.
  std::printf("\n== stencil_1d: width %ld, %d workers; efficiency vs %.3f ns per iteration (best at the largest "
              "size; %.3f ns alone on one core) ==\n",
              width, workers, rate * 1e9, calibrated * 1e9);
  std::printf("%10s %9s %7s", "iters", "task us", "steps");
  for (const Runner& x : runners) std::printf(" | %-6s %9s %9s %6s", x.name.c_str(), "median ms", "gran us", "eff");
  std::printf("\n");
  for (const Point& p : points) {
    const double tasks = static_cast<double>(p.steps * width);
    std::printf("%10ld %9.2f %7ld", p.iterations, static_cast<double>(p.iterations) * rate * 1e6, p.steps);
    for (std::size_t r = 0; r < runners.size(); ++r) {
      const Stats& s = p.per_runtime[r];
      if (!s.valid) {
        std::printf(" | %-6s %9s %9s %6s", "", "-", "-", "-");
        continue;
      }
      const double eff = rate * tasks * static_cast<double>(p.iterations) / workers / s.median;
      std::printf(" | %-6s %9.2f %9.2f %5.1f%%", "", s.median * 1e3, s.median * workers / tasks * 1e6, eff * 100);
    }
    std::printf("\n");
  }
  bool ok = true;
  for (std::size_t r = 0; r < runners.size(); ++r) {
    if (!runners[r].error.empty()) {
      std::printf("  %s FAILED: %s\n", runners[r].name.c_str(), runners[r].error.c_str());
      ok = false;
      continue;
    }
    double metg = NAN, interpolated = NAN;
    double prev_gran = NAN, prev_eff = NAN;
    for (const Point& p : points) {
      const Stats& s = p.per_runtime[r];
      if (!s.valid) continue;
      const double tasks = static_cast<double>(p.steps * width);
      const double gran = s.median * workers / tasks * 1e6;
      const double eff = rate * tasks * static_cast<double>(p.iterations) / workers / s.median;
      if (eff >= 0.5) {
        if (!(gran >= metg)) metg = gran;
      } else if (std::isnan(interpolated) && prev_eff >= 0.5) {
        const double f = (prev_eff - 0.5) / (prev_eff - eff);
        interpolated = std::exp(std::log(prev_gran) + f * (std::log(gran) - std::log(prev_gran)));
      }
      prev_gran = gran;
      prev_eff = eff;
    }
    std::printf("  METG(50%%) %-6s: %s us (smallest measured granularity at >= 50%%), %s us interpolated\n",
                runners[r].name.c_str(), std::isnan(metg) ? "none" : fmt("%.2f", metg).c_str(),
                std::isnan(interpolated) ? "-" : fmt("%.2f", interpolated).c_str());
  }
  std::printf("  Each run creates all tasks up front and waits for them; every run's last step is checked\n"
              "  against a serial run (values and kernel results, exactly). Target: canopy <= 5 us and below omp.\n");
  std::cout.flush();
  return ok;
}

}  // namespace bench::deps
