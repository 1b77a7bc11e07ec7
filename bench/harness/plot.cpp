// See plot.hpp. The figures go to gnuplot as inline data blocks of one script, written to a temporary
// file (kept, and named on stderr, when gnuplot fails), so nothing but the PNG is left behind.
#include "harness/plot.hpp"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <set>
#include <sstream>

extern char** environ;

namespace bench {
namespace {

bool is_executable(const std::string& path) {
  struct stat st;
  return !path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// A gnuplot string literal: single quotes, a quote doubled.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out + "'";
}

// A gnuplot double-quoted string, where \n is a line break.
std::string dq_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

const char* colour_of(RuntimeId r) {
  switch (r) {
    case RuntimeId::canopy: return "#d62728";
    case RuntimeId::tbb: return "#1f77b4";
    case RuntimeId::omp: return "#2ca02c";
    case RuntimeId::boost_fiber: return "#9467bd";
    case RuntimeId::serial: return "#444444";
  }
  return "#000000";
}

int point_type_of(RuntimeId r) {
  switch (r) {
    case RuntimeId::canopy: return 7;       // filled circle
    case RuntimeId::tbb: return 5;          // filled square
    case RuntimeId::omp: return 9;          // filled triangle
    case RuntimeId::boost_fiber: return 13; // filled diamond
    case RuntimeId::serial: return 1;
  }
  return 1;
}

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

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string build_script(const std::string& png_path, const RunInfo& info, const std::vector<Block>& blocks,
                         int* panels_drawn) {
  std::vector<Panel> panels;
  std::set<int> worker_counts;
  for (const Block& b : blocks) {
    if (b.suite == SuiteId::park) continue;  // not a speedup: park/resume latency on 2 workers
    worker_counts.insert(b.workers);
    auto it = std::find_if(panels.begin(), panels.end(),
                           [&](const Panel& p) { return p.suite == b.suite && p.label == b.input.label; });
    if (it == panels.end()) {
      panels.push_back(Panel{b.suite, b.input.label, {}});
      it = std::prev(panels.end());
    }
    it->blocks.push_back(&b);
  }
  *panels_drawn = static_cast<int>(panels.size());
  if (panels.empty()) return "";

  const int min_w = *worker_counts.begin(), max_w = *worker_counts.rbegin();
  const bool log_x = max_w >= 8 * min_w;
  const int cols = std::min<int>(static_cast<int>(panels.size()), 3);
  const int rows = (static_cast<int>(panels.size()) + cols - 1) / cols;
  const int width = std::max(520 * cols, 760), height = 400 * rows + 70;

  std::ostringstream data, plots;
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

    plots << "set title " << quoted(std::string(name(p.suite)) + ": " + p.label) << "\n"
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
      const std::string block_name = "$p" + std::to_string(pi) + "r" + std::to_string(ri);
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

  std::ostringstream out;
  out << "# canopy-bench --plot: speedup against workers (written by canopy-bench; gnuplot 5)\n"
      << data.str() << "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
      << "  set terminal pngcairo size " << width << "," << height << " font 'sans,10' noenhanced\n"
      << "} else {\n  set terminal png size " << width << "," << height << " noenhanced\n}\n"
      << "set output " << quoted(png_path) << "\n"
      << "set termoption noenhanced\nset grid\nset key top left box opaque samplen 2\n"
      << "set xlabel 'workers'\nset format y '%g'\n";
  if (log_x) {
    out << "set logscale x 2\nset xrange [" << num(min_w / 1.4) << ":" << num(max_w * 1.4) << "]\n";
  } else {
    out << "set xrange [" << num(min_w - 0.5) << ":" << num(max_w + 0.5) << "]\n";
  }
  out << "set xtics (";
  bool first = true;
  for (int w : worker_counts) {
    out << (first ? "" : ", ") << w;
    first = false;
  }
  out << ")\n";
  // Two lines, so the title fits a single panel too.
  std::string title = "canopy-bench --size " + info.size + ": speedup vs workers";
  std::string sub = "points: median of " + std::to_string(info.repeat) + " runs, bars: fastest..slowest run; " +
                    std::to_string(info.hardware_concurrency) + " hardware threads";
  if (!info.started_at.empty()) sub += "; " + info.started_at;
  out << "set multiplot layout " << rows << "," << cols << " title " << dq_string(title + "\n" + sub) << " font ',12'\n"
      << plots.str() << "unset multiplot\nset output\n";
  return out.str();
}

}  // namespace

std::string find_gnuplot() {
  if (const char* env = std::getenv("CANOPY_BENCH_GNUPLOT"); env && *env) return is_executable(env) ? env : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t colon = dirs.find(':', start);
    if (colon == std::string::npos) colon = dirs.size();
    std::string dir = dirs.substr(start, colon - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/gnuplot";
    if (is_executable(candidate)) return candidate;
    start = colon + 1;
  }
  return "";
}

bool write_plot(const std::string& png_path, const RunInfo& info, const std::vector<Block>& blocks) {
  const std::string gnuplot = find_gnuplot();
  if (gnuplot.empty()) {
    std::cerr << "canopy-bench: --plot " << png_path
              << ": gnuplot not found (not on PATH, nor in $CANOPY_BENCH_GNUPLOT); install it "
                 "(Debian: apt-get install gnuplot-nox) or leave out --plot\n";
    return false;
  }
  int panels = 0;
  const std::string script = build_script(png_path, info, blocks, &panels);
  if (panels == 0) {
    std::cerr << "[canopy-bench] --plot " << png_path << ": nothing to plot (park has no speedup curve)\n";
    return true;
  }

  const char* tmpdir = std::getenv("TMPDIR");
  std::string script_path = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/canopy-bench-plot-XXXXXX";
  std::vector<char> name_buf(script_path.begin(), script_path.end());
  name_buf.push_back('\0');
  const int fd = ::mkstemp(name_buf.data());
  if (fd < 0) {
    std::cerr << "canopy-bench: --plot: cannot create a temporary file: " << std::strerror(errno) << "\n";
    return false;
  }
  script_path = name_buf.data();
  ::close(fd);
  {
    std::ofstream f(script_path);
    f << script;
    if (!f) {
      std::cerr << "canopy-bench: --plot: cannot write " << script_path << "\n";
      ::unlink(script_path.c_str());
      return false;
    }
  }

  std::remove(png_path.c_str());  // so that a stale PNG is never mistaken for this run's
  std::vector<char> arg0(gnuplot.begin(), gnuplot.end()), arg1(script_path.begin(), script_path.end());
  arg0.push_back('\0');
  arg1.push_back('\0');
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = 0;
  int status = 0;
  const int rc = ::posix_spawn(&pid, gnuplot.c_str(), nullptr, nullptr, argv, environ);
  bool ok = rc == 0;
  if (!ok) {
    std::cerr << "canopy-bench: --plot: cannot run " << gnuplot << ": " << std::strerror(rc) << "\n";
  } else {
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    struct stat st;
    ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && ::stat(png_path.c_str(), &st) == 0 && st.st_size > 0;
    if (!ok) std::cerr << "canopy-bench: --plot: gnuplot failed to draw " << png_path << "\n";
  }
  if (ok) {
    ::unlink(script_path.c_str());
    std::cerr << "[canopy-bench] wrote the speedup plot " << png_path << "\n";
  } else {
    std::cerr << "canopy-bench: --plot: the gnuplot script is kept in " << script_path << "\n";
  }
  return ok;
}

}  // namespace bench
