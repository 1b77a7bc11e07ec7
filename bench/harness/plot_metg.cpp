// The METG panels of --plot (see plot_panels.hpp): for each sweep pattern (stencil's stencil_1d, each
// of taskbench's), efficiency against task granularity on a log axis, one colour per runtime, a solid
// line for the compute kernel and a dashed one for the memory kernel, the 50 % line, and each curve's
// METG in the key. Points are the medians; larger tasks are to the right, where every runtime should
// reach 100 %.
#include <algorithm>
#include <cmath>
#include <limits>

#include "harness/metg.hpp"
#include "harness/plot_panels.hpp"

namespace bench::plot {
namespace {

// A sweep name is "pattern/kernel".
std::string pattern_of(const std::string& sweep) { return sweep.substr(0, sweep.find('/')); }
std::string kernel_of(const std::string& sweep) {
  const auto slash = sweep.find('/');
  return slash == std::string::npos ? "" : sweep.substr(slash + 1);
}

struct Panel {
  SuiteId suite;
  std::string pattern;
  std::vector<const MetgCurve*> curves;
};

std::string metg_text(const MetgCurve& c) {
  if (c.failed) return "FAILED";
  if (!std::isfinite(c.median.measured)) return "METG -";
  char buf[48];
  std::snprintf(buf, sizeof buf, "METG %.2f us", c.median.measured);
  return buf;
}

}  // namespace

int metg_panels(const std::vector<Block>& blocks, std::ostream& data, std::ostream& plots) {
  const std::vector<MetgCurve> curves = metg_curves(blocks);
  std::vector<Panel> panels;
  for (const MetgCurve& c : curves) {
    const std::string pattern = pattern_of(c.sweep);
    auto it = std::find_if(panels.begin(), panels.end(),
                           [&](const Panel& p) { return p.suite == c.suite && p.pattern == pattern; });
    if (it == panels.end()) {
      panels.push_back(Panel{c.suite, pattern, {}});
      it = std::prev(panels.end());
    }
    it->curves.push_back(&c);
  }

  for (std::size_t pi = 0; pi < panels.size(); ++pi) {
    const Panel& p = panels[pi];
    const MetgCurve& first = *p.curves.front();
    double highest = 1.0, lo_x = std::numeric_limits<double>::infinity(), hi_x = 0;
    std::string plot_cmd;
    for (std::size_t ci = 0; ci < p.curves.size(); ++ci) {
      const MetgCurve& c = *p.curves[ci];
      if (c.points.empty()) continue;
      const std::string block_name = "$m" + std::to_string(pi) + "c" + std::to_string(ci);
      data << block_name << " << EOD\n";
      for (const CurvePoint& pt : c.points) {
        data << num(pt.granularity_us) << ' ' << num(100 * pt.efficiency) << '\n';
        highest = std::max(highest, pt.efficiency);
        lo_x = std::min(lo_x, pt.granularity_us);
        hi_x = std::max(hi_x, pt.granularity_us);
      }
      data << "EOD\n";
      const bool memory = kernel_of(c.sweep) == "memory";
      plot_cmd += (plot_cmd.empty() ? "plot " : ", \\\n     ") + block_name +
                  " using 1:2 with linespoints lw 2 ps 1.2 dt " + (memory ? "2" : "1") + " pt " +
                  std::to_string(point_type_of(c.runtime)) + " lc rgb '" + colour_of(c.runtime) + "' title " +
                  quoted(std::string(name(c.runtime)) + " " + kernel_of(c.sweep) + " (" + metg_text(c) + ")");
    }
    if (plot_cmd.empty()) plot_cmd = "plot NaN notitle";
    plot_cmd += ", \\\n     50 with lines dt 3 lw 1.5 lc rgb '#444444' title '50 %'";
    plots << "set title " << quoted(std::string(name(p.suite)) + " " + p.pattern + ": efficiency vs task size (W" +
                                    std::to_string(first.width) + ", " + std::to_string(first.workers) + " workers)")
          << "\n"
          << "set xlabel 'task granularity (us per task: wall time x workers / tasks)'\n"
          << "set logscale x 10\nunset logscale y\nset xtics autofreq\nset ytics autofreq\n";
    if (std::isfinite(lo_x)) plots << "set xrange [" << num(lo_x / 1.5) << ":" << num(hi_x * 1.5) << "]\n";
    else plots << "set xrange [*:*]\n";
    plots << "set ylabel 'efficiency (% of the best rate)'\nset yrange [0:" << num(std::ceil(highest * 11) * 10)
          << "]\nset key bottom right box opaque samplen 3\n"
          << plot_cmd << "\nset key top left box opaque samplen 2\n";
  }
  return static_cast<int>(panels.size());
}

}  // namespace bench::plot
