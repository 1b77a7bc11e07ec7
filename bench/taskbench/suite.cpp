// The taskbench suite: METG(50%) of Task Bench's patterns (Slaughter et al., "Task Bench", SC'20):
// trivial, stencil_1d, tree, fft, all_to_all over W points (see taskbench.hpp), Canopy and OpenMP.
//
// Method as in the stencil suite (stencil/suite.cpp), once per pattern: the task size (kernel
// iterations) is swept downward, halving from --max-task-us to --min-task-us; for each size every
// runtime runs the whole graph `repeat` times after a warm-up, and every run is checked (v of every
// task exactly, and the kernel result of every task, against a serial run).
//   granularity = wall time x workers / tasks                       (us per task, as Task Bench)
//   efficiency  = ideal time / wall time, ideal = tasks x iterations x rate / workers,
// where `rate` (seconds per kernel iteration) is the fastest run of any runtime at the pattern's
// largest size. METG(50%) is the smallest granularity at which efficiency is still >= 50% (and the
// log-linear interpolation where the sweep crosses 50%). A runtime under 10% efficiency (fastest run)
// is not run at smaller sizes.
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <stdexcept>

#include <canopy/canopy.hpp>

#include "spawn_deps/deps.hpp"
#include "taskbench/taskbench.hpp"

namespace bench::deps {

namespace {

using taskbench::Cell;
using taskbench::Graph;

struct Point {
  long iterations = 0;
  long steps = 0;
  long tasks = 0;
  std::vector<Stats> per_runtime;  // parallel to the runtimes
};

struct Runner {
  std::string name;
  std::function<double(const Graph&, long iterations, std::vector<Cell>&)> run;
  std::string error;
  bool done = false;  // under 10% efficiency at a larger size: not run at smaller ones
};

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

struct Summary {
  std::string pattern;
  std::vector<Metg> median, fastest;  // parallel to the runtimes
};

// One pattern's sweep and table; false when a runtime failed.
bool sweep(const Options& o, taskbench::Pattern pattern, long width, double calibrated, std::vector<Runner> runners,
           Summary& summary) {
  const int workers = o.workers;
  const char* pname = taskbench::name_of(pattern);
  std::vector<Point> points;
  double rate = NAN;
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
    const Graph g{pattern, width, p.steps};
    p.tasks = g.tasks();
    const std::vector<std::uint64_t> ref = taskbench::reference_values(g);
    std::vector<double> busy_ref(ref.size(), 0.0);
    for (long t = 1; t <= g.steps; ++t)
      for (long i = 0; i < g.points_at(t); ++i) {
        const auto c = static_cast<std::size_t>(t * width + i);
        busy_ref[c] = stencil::busy_work(ref[c], iterations);
      }

    std::cerr << "[taskbench " << pname << "] " << iterations << " iterations (~" << fmt("%.2f", task_s * 1e6)
              << " us), " << p.tasks << " tasks: warm-up";
    std::vector<std::vector<double>> secs(runners.size());
    std::vector<Cell> cells;
    for (int rep = -1; rep < o.repeat; ++rep) {
      if (rep >= 0) std::cerr << ", run " << rep + 1;
      for (std::size_t r = 0; r < runners.size(); ++r) {
        Runner& x = runners[r];
        if (!x.error.empty() || x.done) continue;
        try {
          const double s = x.run(g, iterations, cells);
          for (long t = 1; t <= g.steps && x.error.empty(); ++t)
            for (long i = 0; i < g.points_at(t) && x.error.empty(); ++i) {
              const auto c = static_cast<std::size_t>(t * width + i);
              if (cells[c].v != ref[c] || cells[c].busy != busy_ref[c])
                x.error = std::string(pname) + ": wrong answer at step " + std::to_string(t) + " point " +
                          std::to_string(i) + " (" + std::to_string(iterations) + " iterations): v " +
                          std::to_string(cells[c].v) + " busy " + fmt("%.17g", cells[c].busy) + ", expected v " +
                          std::to_string(ref[c]) + " busy " + fmt("%.17g", busy_ref[c]);
            }
          if (!x.error.empty()) loud_error("taskbench", x.name, x.error);
          else if (rep >= 0) secs[r].push_back(s);
        } catch (const std::exception& e) {
          x.error = std::string(pname) + ": exception: " + e.what();
          loud_error("taskbench", x.name, x.error);
        }
        settle(o);
      }
    }
    std::cerr << "\n";
    for (auto& v : secs) p.per_runtime.push_back(stats_of(v));
    const double tasks = static_cast<double>(p.tasks);
    if (points.empty()) {
      for (const Stats& s : p.per_runtime)
        if (s.valid) {
          const double r = s.min * workers / (tasks * static_cast<double>(iterations));
          if (!(r >= rate)) rate = r;
        }
    }
    for (std::size_t r = 0; r < runners.size(); ++r) {
      const Stats& s = p.per_runtime[r];
      if (s.valid && rate * tasks * static_cast<double>(iterations) / workers / s.min < 0.1) runners[r].done = true;
    }
    points.push_back(std::move(p));
  }

  auto granularity_us = [&](const Point& p, double seconds) {
    return seconds * workers / static_cast<double>(p.tasks) * 1e6;
  };
  auto efficiency = [&](const Point& p, double seconds) {
    return rate * static_cast<double>(p.tasks) * static_cast<double>(p.iterations) / workers / seconds;
  };

  std::printf("\n== taskbench %s: width %ld, %d workers; efficiency vs %.3f ns per iteration (fastest run at "
              "the largest size; %.3f ns alone on one core) ==\n",
              pname, width, workers, rate * 1e9, calibrated * 1e9);
  std::printf("%10s %9s %7s", "iters", "ideal us", "tasks");
  for (const Runner& x : runners) std::printf(" | %-6s %9s %9s %6s", x.name.c_str(), "median ms", "gran us", "eff");
  std::printf("\n");
  for (const Point& p : points) {
    std::printf("%10ld %9.2f %7ld", p.iterations, static_cast<double>(p.iterations) * rate * 1e6, p.tasks);
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
  summary.pattern = pname;
  for (std::size_t r = 0; r < runners.size(); ++r) {
    if (!runners[r].error.empty()) {
      std::printf("  %s FAILED: %s\n", runners[r].name.c_str(), runners[r].error.c_str());
      summary.median.push_back({});
      summary.fastest.push_back({});
      ok = false;
      continue;
    }
    const Metg med = metg_of(r, false), best = metg_of(r, true);
    summary.median.push_back(med);
    summary.fastest.push_back(best);
    std::printf("  METG(50%%) %-6s: medians %s us (interpolated %s us); fastest runs %s us (interpolated %s us)\n",
                runners[r].name.c_str(), us(med.measured).c_str(), us(med.interpolated).c_str(),
                us(best.measured).c_str(), us(best.interpolated).c_str());
  }
  std::cout.flush();
  return ok;
}

}  // namespace

bool run_taskbench(const Options& o) {
  using namespace bench::taskbench;
  const int workers = o.workers;
  const long width = o.width > 0 ? o.width : std::max(4L, static_cast<long>(workers));
  if (width > kMaxWidth)
    throw std::invalid_argument("taskbench: --width must be at most " + std::to_string(kMaxWidth));
  std::vector<Pattern> patterns;
  for (const std::string& s : o.patterns.empty() ? pattern_names() : o.patterns) {
    const Pattern p = pattern_of(s);
    if (p == Pattern::fft && (width & (width - 1)) != 0) {
      std::cerr << "[taskbench] fft skipped: width " << width << " is not a power of two\n";
      continue;
    }
    patterns.push_back(p);
  }
  const double calibrated = calibrate();

  std::unique_ptr<canopy::Runtime> rt;
  std::vector<Runner> runners;
  if (wants(o, "canopy")) {
    canopy::Config cfg;
    cfg.workers = workers;
    rt = std::make_unique<canopy::Runtime>(cfg);
    check_workers("canopy", rt->workers(), cfg.workers);
    runners.push_back({"canopy", [&](const Graph& g, long it, std::vector<Cell>& c) { return run_canopy(*rt, g, it, c); }, {}});
  }
  if (wants(o, "omp"))
    runners.push_back({"omp", [&](const Graph& g, long it, std::vector<Cell>& c) { return run_omp(workers, g, it, c); }, {}});
  if (runners.empty() || patterns.empty()) return true;

  bool ok = true;
  std::vector<Summary> summaries;
  for (Pattern p : patterns) {
    Summary s;
    ok = sweep(o, p, width, calibrated, runners, s) && ok;
    summaries.push_back(std::move(s));
  }

  auto us = [](double v) { return std::isnan(v) ? std::string("-") : fmt("%.2f", v); };
  std::printf("\n== taskbench METG(50%%) in us, width %ld, %d workers (medians; interpolated in brackets) ==\n", width,
              workers);
  std::printf("%-12s", "pattern");
  for (const Runner& x : runners) std::printf(" %22s", x.name.c_str());
  std::printf("\n");
  for (const Summary& s : summaries) {
    std::printf("%-12s", s.pattern.c_str());
    for (std::size_t r = 0; r < runners.size(); ++r)
      std::printf(" %22s", (us(s.median[r].measured) + " (" + us(s.median[r].interpolated) + ")").c_str());
    std::printf("\n");
  }
  std::printf("  gran = wall time x workers / tasks; METG = the smallest gran measured at >= 50%% efficiency\n"
              "  (interpolated: where the sweep crosses 50%%). Each run creates all tasks up front and waits;\n"
              "  every task's value and kernel result is checked against a serial run, exactly.\n");
  std::cout.flush();
  return ok;
}

}  // namespace bench::deps
