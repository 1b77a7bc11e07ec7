// The stencil suite: METG(50%) of stencil_1d (Slaughter et al., "Task Bench", SC'20).
//
// The task size (kernel iterations) is swept downward, halving from --max-task-us to --min-task-us.
// For each size every runtime runs the whole graph `repeat` times (after a warm-up), checked:
//   granularity = wall time x workers / tasks                       (us per task, as Task Bench)
//   efficiency  = ideal time / wall time, ideal = tasks x iterations x rate / workers,
// where `rate` (seconds per kernel iteration) comes from the largest task size: the fastest run of
// any runtime there. METG(50%) is the smallest granularity at which efficiency is still >= 50%;
// the interpolated figure is where the line between the last point above 50% and the first below
// crosses 50% (log-linear in granularity). METG is given from the medians and from the fastest runs.
// A runtime under 10% efficiency (fastest run) is not run at smaller sizes; the sweep ends when no
// runtime is left.
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
  bool done = false;  // under 10% efficiency at a larger size: not run at smaller ones
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
    check_workers("canopy", rt->workers(), cfg.workers);
    runners.push_back({"canopy", [&](long s, long it, std::vector<Cell>& row) { return run_canopy(*rt, width, s, it, row); }, {}});
  }
  if (wants(o, "omp"))
    runners.push_back({"omp", [&](long s, long it, std::vector<Cell>& row) { return run_omp(workers, width, s, it, row); }, {}});
  if (runners.empty()) return true;

  std::vector<Point> points;
  double rate = NAN;  // seconds per iteration, from the largest size
  auto all_done = [&] {
    for (const Runner& x : runners)
      if (!x.done && x.error.empty()) return false;
    return true;
  };
  const long first = std::max(1L, std::lround(o.max_task_us * 1e-6 / calibrated));
  for (long iterations = first;
       iterations >= 1 && !all_done() &&
       (iterations == first || static_cast<double>(iterations) * calibrated >= o.min_task_us * 1e-6 * 0.999);
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
        if (!x.error.empty() || x.done) continue;
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
      // The machine's rate: the fastest run at the largest size, of any runtime (the minimum, not
      // the median, so that a burst of load during those few runs does not flatter every later point).
      for (const Stats& s : p.per_runtime)
        if (s.valid) {
          const double r = s.min * workers / (tasks * static_cast<double>(iterations));
          if (!(r >= rate)) rate = r;  // the best (smallest); NaN at first
        }
    }
    for (std::size_t r = 0; r < runners.size(); ++r) {
      const Stats& s = p.per_runtime[r];
      if (s.valid && rate * tasks * static_cast<double>(iterations) / workers / s.min < 0.1) runners[r].done = true;
    }
    points.push_back(std::move(p));
  }

  auto tasks_of = [&](const Point& p) { return static_cast<double>(p.steps * width); };
  auto granularity_us = [&](const Point& p, double seconds) { return seconds * workers / tasks_of(p) * 1e6; };
  auto efficiency = [&](const Point& p, double seconds) {
    return rate * tasks_of(p) * static_cast<double>(p.iterations) / workers / seconds;
  };

  // The table (medians).
  std::printf("\n== stencil_1d: width %ld, %d workers; efficiency vs %.3f ns per iteration (fastest run at the "
              "largest size; %.3f ns alone on one core) ==\n",
              width, workers, rate * 1e9, calibrated * 1e9);
  std::printf("%10s %9s %7s", "iters", "ideal us", "steps");
  for (const Runner& x : runners) std::printf(" | %-6s %9s %9s %6s", x.name.c_str(), "median ms", "gran us", "eff");
  std::printf("\n");
  for (const Point& p : points) {
    std::printf("%10ld %9.2f %7ld", p.iterations, static_cast<double>(p.iterations) * rate * 1e6, p.steps);
    for (std::size_t r = 0; r < runners.size(); ++r) {
      const Stats& s = p.per_runtime[r];
      if (!s.valid) {
        std::printf(" | %-6s %9s %9s %6s", "", "-", "-", "-");
        continue;
      }
      std::printf(" | %-6s %9.2f %9.2f %5.1f%%", "", s.median * 1e3, granularity_us(p, s.median),
                  efficiency(p, s.median) * 100);
    }
    std::printf("\n");
  }

  // METG(50%): from the medians (the figure to quote) and from the fastest runs (less sensitive to
  // load from other processes on a shared machine).
  auto metg_of = [&](std::size_t r, bool use_min) {
    std::vector<std::pair<double, double>> samples;
    for (const Point& p : points) {
      const Stats& s = p.per_runtime[r];
      if (!s.valid) continue;
      const double t = use_min ? s.min : s.median;
      samples.emplace_back(granularity_us(p, t), efficiency(p, t));
    }
    return metg_50(samples);
  };
  auto us = [](double v) { return std::isnan(v) ? std::string("-") : fmt("%.2f", v); };
  bool ok = true;
  for (std::size_t r = 0; r < runners.size(); ++r) {
    if (!runners[r].error.empty()) {
      std::printf("  %s FAILED: %s\n", runners[r].name.c_str(), runners[r].error.c_str());
      ok = false;
      continue;
    }
    const Metg med = metg_of(r, false), best = metg_of(r, true);
    std::printf("  METG(50%%) %-6s: medians %s us (interpolated %s us); fastest runs %s us (interpolated %s us)\n",
                runners[r].name.c_str(), us(med.measured).c_str(), us(med.interpolated).c_str(),
                us(best.measured).c_str(), us(best.interpolated).c_str());
  }
  std::printf("  gran = wall time x workers / tasks; METG = the smallest gran measured at >= 50%% efficiency\n"
              "  (interpolated: where the sweep crosses 50%%). Each run creates all tasks up front and waits;\n"
              "  every run's last step is checked against a serial run (values and kernel results, exactly).\n"
              "  Target: canopy <= 5 us and below omp.\n");
  std::cout.flush();
  return ok;
}

}  // namespace bench::deps
