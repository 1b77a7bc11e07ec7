// The speedup panels of --plot (see plot_panels.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>

#include "harness/plot_panels.hpp"

namespace bench::plot {
namespace {

double median_of(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// One panel: a suite on one input, across the worker counts of the run.
struct Panel {
  SuiteId suite;
  std::string label;
  std::vector<const Block*> blocks;
};

struct Point {
  double workers, speedup, low, high;
};

// The x axis of a speedup panel: the worker counts of the run.
std::string x_axis_of(const std::set<int>& worker_counts, bool log_x) {
  const int min_w = *worker_counts.begin(), max_w = *worker_counts.rbegin();
  std::ostringstream out;
  out << "set xlabel 'workers'\n";
  if (log_x) {
    out << "set logscale x 2\nset xrange [" << num(min_w / 1.4) << ":" << num(max_w * 1.4) << "]\n";
  } else {
    out << "unset logscale x\nset xrange [" << num(min_w - 0.5) << ":" << num(max_w + 0.5) << "]\n";
  }
  out << "set xtics (";
  bool first = true;
  for (int w : worker_counts) {
    out << (first ? "" : ", ") << w;
    first = false;
  }
  out << ")\n";
  return out.str();
}

}  // namespace

int speedup_panels(const std::vector<Block>& blocks, std::ostream& data, std::ostream& plots) {
  std::vector<Panel> panels;
  std::set<int> worker_counts;
  for (const Block& b : blocks) {
    // park is not a speedup (park/resume latency on 2 workers); the sweeps have their own panels
    if (b.suite == SuiteId::park || !b.input.sweep.empty()) continue;
    worker_counts.insert(b.workers);
    auto it = std::find_if(panels.begin(), panels.end(),
                           [&](const Panel& p) { return p.suite == b.suite && p.label == b.input.label; });
    if (it == panels.end()) {
      panels.push_back(Panel{b.suite, b.input.label, {}});
      it = std::prev(panels.end());
    }
    it->blocks.push_back(&b);
  }
  if (panels.empty()) return 0;

  const int min_w = *worker_counts.begin(), max_w = *worker_counts.rbegin();
  const bool log_x = max_w >= 8 * min_w;
  const std::string x_axis = x_axis_of(worker_counts, log_x);
  for (std::size_t pi = 0; pi < panels.size(); ++pi) {
    const Panel& p = panels[pi];
    // Baseline: the median of every serial sample of this input (serial runs in each block).
    std::vector<double> serial;
    std::vector<RuntimeId> runtimes;
    for (const Block* b : p.blocks)
      for (const RuntimeResult& r : b->results) {
        if (r.runtime == RuntimeId::serial) {
          if (r.error.empty())
            for (const Sample& s : r.samples) serial.push_back(s.seconds);
        } else if (std::find(runtimes.begin(), runtimes.end(), r.runtime) == runtimes.end()) {
          runtimes.push_back(r.runtime);
        }
      }
    const double serial_median = median_of(serial);
    const bool vs_serial = std::isfinite(serial_median) && serial_median > 0;

    plots << x_axis << "set title " << quoted(std::string(name(p.suite)) + ": " + p.label) << "\n"
          << "set ylabel "
          << quoted(vs_serial ? "speedup over serial" : "speedup over own 1-worker run (no serial)")
          << "\n";
    std::string plot_cmd;
    double lowest = std::numeric_limits<double>::infinity(), highest = 0;
    for (std::size_t ri = 0; ri < runtimes.size(); ++ri) {
      const RuntimeId rt = runtimes[ri];
      double base = serial_median;
      if (!vs_serial) {
        base = std::numeric_limits<double>::quiet_NaN();
        for (const Block* b : p.blocks)
          for (const RuntimeResult& r : b->results)
            if (b->workers == 1 && r.runtime == rt && r.error.empty() && !r.samples.empty())
              base = summarize(r.samples).median;
      }
      if (!std::isfinite(base)) continue;
      // Runtimes side by side around each worker count, so that their bars do not hide each other.
      const double shift = (static_cast<double>(ri) - (static_cast<double>(runtimes.size()) - 1) / 2) * 0.06;
      std::vector<Point> pts;
      for (const Block* b : p.blocks)
        for (const RuntimeResult& r : b->results) {
          if (r.runtime != rt || !r.error.empty() || !r.skipped.empty() || r.samples.empty()) continue;
          const Summary s = summarize(r.samples);
          const double x = log_x ? b->workers * std::exp2(shift) : b->workers + shift;
          pts.push_back(Point{x, base / s.median, base / s.max, base / s.min});
          lowest = std::min(lowest, base / s.max);
          highest = std::max(highest, base / s.min);
        }
      if (pts.empty()) continue;
      const std::string block_name = "$s" + std::to_string(pi) + "r" + std::to_string(ri);
      data << block_name << " << EOD\n";
      for (const Point& pt : pts)
        data << num(pt.workers) << ' ' << num(pt.speedup) << ' ' << num(pt.low) << ' ' << num(pt.high) << '\n';
      data << "EOD\n";
      plot_cmd += (plot_cmd.empty() ? "plot " : ", \\\n     ") + block_name +
                  " using 1:2:3:4 with yerrorlines lw 2 ps 1.3 pt " + std::to_string(point_type_of(rt)) +
                  " lc rgb '" + colour_of(rt) + "' title " + quoted(std::string(name(rt))) ;
    }
    if (plot_cmd.empty()) plot_cmd = "plot NaN notitle";
    // A log scale when some runtime is far slower than serial (fib without a cutoff): on a linear one
    // its line would lie flat on the axis.
    if (std::isfinite(lowest) && lowest < 0.25) {
      const double lo = lowest / 1.5, hi = std::max(highest, 1.0 * max_w) * 1.5;
      plots << "set logscale y 10\nset yrange [" << num(lo) << ":" << num(hi) << "]\nset ytics (";
      // 1-2-5 tics, so that a panel spanning less than a decade still has labels
      std::string tics;
      for (int d = static_cast<int>(std::floor(std::log10(lo))); d <= static_cast<int>(std::ceil(std::log10(hi))); ++d)
        for (double m : {1.0, 2.0, 5.0}) {
          const double t = m * std::pow(10.0, d);
          if (t >= lo && t <= hi) tics += (tics.empty() ? "" : ", ") + num(t);
        }
      plots << tics << ")\n";
    } else {
      plots << "unset logscale y\nset yrange [0:*]\nset ytics autofreq\n";
    }
    if (vs_serial) plot_cmd += ", \\\n     1 with lines dt 3 lw 1.5 lc rgb '#444444' title 'serial'";
    plot_cmd += ", \\\n     x with lines dt 2 lw 1 lc rgb '#999999' title 'ideal'";
    plots << plot_cmd << "\n";
  }

  return static_cast<int>(panels.size());
}

}  // namespace bench::plot
