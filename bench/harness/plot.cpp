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
#include <sstream>

#include "harness/metg.hpp"
#include "harness/plot_panels.hpp"

extern char** environ;

namespace bench {
namespace {

using plot::quoted;

bool is_executable(const std::string& path) {
  struct stat st;
  return !path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
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

std::string build_script(const std::string& png_path, const RunInfo& info, const std::vector<Block>& blocks,
                         int* panels_drawn) {
  std::ostringstream data, plots;
  const int panels = plot::speedup_panels(blocks, data, plots) + plot::metg_panels(blocks, data, plots);
  *panels_drawn = panels;
  if (panels == 0) return "";
  const int cols = std::min(panels, 3);
  const int rows = (panels + cols - 1) / cols;
  const int width = std::max(520 * cols, 760), height = 400 * rows + 70;

  std::ostringstream out;
  out << "# canopy-bench --plot: speedup against workers (written by canopy-bench; gnuplot 5)\n"
      << data.str() << "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
      << "  set terminal pngcairo size " << width << "," << height << " font 'sans,10' noenhanced\n"
      << "} else {\n  set terminal png size " << width << "," << height << " noenhanced\n}\n"
      << "set output " << quoted(png_path) << "\n"
      << "set termoption noenhanced\nset grid\nset key top left box opaque samplen 2\n"
      << "set format y '%g'\n";
  // Two lines, so the title fits a single panel too.
  const bool sweeps = !metg_curves(blocks).empty();
  std::string title = "canopy-bench --size " + info.size + ": speedup vs workers";
  if (sweeps) title += "; efficiency vs task granularity (METG sweeps)";
  std::string sub = "points: median of " + std::to_string(info.repeat) + " runs, speedup bars: fastest..slowest run; " +
                    (sweeps ? "efficiency against the sweep's fastest run at its largest tasks; " : "") +
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
