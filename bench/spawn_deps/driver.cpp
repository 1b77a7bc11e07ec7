// canopy-bench-deps's command line and main loop (see deps.hpp).
#include <charconv>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "spawn_deps/deps.hpp"

namespace bench::deps {
namespace {

const std::vector<std::string> kSuites = {"spawn-deps", "cholesky", "stencil", "taskbench"};
const std::vector<std::string> kRuntimes = {"canopy", "omp", "starpu", "serial"};
const std::vector<std::string> kVariants = {"r+w", "rw+shared", "none", "gated"};
const std::vector<std::string> kPatterns = {"trivial", "stencil_1d", "tree", "fft", "all_to_all"};

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    auto comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

long to_long(std::string_view s, std::string_view what) {
  long v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size())
    throw std::invalid_argument(std::string(what) + ": not an integer: '" + std::string(s) + "'");
  return v;
}

double to_double(std::string_view s, std::string_view what) {
  try {
    std::size_t used = 0;
    double v = std::stod(std::string(s), &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(std::string(what) + ": not a number: '" + std::string(s) + "'");
}

bool known(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

const char* usage() {
  return "usage: canopy-bench-deps [--suite spawn-deps,cholesky,stencil,taskbench] [--runtimes canopy,omp,starpu,serial]\n"
         "                         [--workers N] [--repeat N] [--settle-ms MS]\n"
         "  spawn-deps: [--siblings 10,1000,100000] [--spawns N] [--variants r+w,rw+shared,none,gated]\n"
         "              [--shared-max N]\n"
         "  cholesky:   [--n N] [--tile B] [--leaf L]\n"
         "  stencil:    [--width W] [--max-task-us US] [--min-task-us US] [--target-ms MS] [--max-tasks N]\n"
         "  taskbench:  [--patterns trivial,stencil_1d,tree,fft,all_to_all] and the stencil options above\n"
         "  --suite      suites to run (default: all four)\n"
         "  --runtimes   runtimes to compare (default: all built; each suite runs those it has)\n"
         "  --workers    workers for cholesky and stencil (default: 2, at most the hardware threads);\n"
         "               spawn-deps measures the spawn loop on 1 worker (plus a gated 2-worker variant)\n"
         "  --repeat     timed runs per figure after one warm-up run (default: 5)\n"
         "  --siblings   live siblings of the measured spawns (default: 10,1000,100000)\n"
         "  --spawns     spawns timed per sample for each sibling count (default: 100000)\n"
         "  --variants   spawn-deps request patterns (default: all; see the table's notes)\n"
         "  --shared-max largest sibling count for rw+shared and gated (default: 100000)\n"
         "  --n, --tile  matrix order and tile size (default: 1536, 128; n a multiple of the tile)\n"
         "  --leaf       canopy-hier splits GEMM/SYRK/TRSM tiles larger than this (default: 64)\n"
         "  --width      stencil pieces per time step (default: the number of workers)\n"
         "  --max-task-us, --min-task-us  stencil task-size sweep, halving (default: 200 down to 0.25)\n"
         "  --target-ms  ideal duration of one stencil run; steps follow from it (default: 10)\n"
         "  --max-tasks  cap on the tasks of one stencil run (default: 10000)\n"
         "  --patterns   taskbench patterns (default: all five); taskbench's width defaults to\n"
         "               max(4, workers), at most 16, a power of two for fft\n";
}

Options parse_options(int argc, char** argv) {
  Options o;
  bool workers_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
      return argv[++i];
    };
    auto positive = [&](std::string_view what) {
      long v = to_long(value(), what);
      if (v < 1) throw std::invalid_argument(std::string(what) + " must be >= 1");
      return v;
    };
    if (arg == "--help" || arg == "-h") {
      throw std::invalid_argument("");
    } else if (arg == "--suite" || arg == "--suites") {
      for (auto& s : split(value())) {
        if (!known(kSuites, s)) throw std::invalid_argument("unknown suite '" + s + "'");
        o.suites.push_back(s);
      }
    } else if (arg == "--runtimes" || arg == "--runtime") {
      for (auto& s : split(value())) {
        if (!known(kRuntimes, s)) throw std::invalid_argument("unknown runtime '" + s + "'");
        o.runtimes.push_back(s);
      }
    } else if (arg == "--workers") {
      o.workers = static_cast<int>(positive("--workers"));
      workers_given = true;
    } else if (arg == "--repeat") {
      o.repeat = static_cast<int>(positive("--repeat"));
    } else if (arg == "--settle-ms") {
      o.settle_ms = static_cast<int>(to_long(value(), "--settle-ms"));
    } else if (arg == "--siblings") {
      o.siblings.clear();
      for (auto& s : split(value())) {
        long v = to_long(s, "--siblings");
        if (v < 1) throw std::invalid_argument("--siblings: each count must be >= 1");
        o.siblings.push_back(v);
      }
    } else if (arg == "--spawns") {
      o.spawns = positive("--spawns");
    } else if (arg == "--variants") {
      for (auto& s : split(value())) {
        if (!known(kVariants, s)) throw std::invalid_argument("unknown spawn-deps variant '" + s + "'");
        o.variants.push_back(s);
      }
    } else if (arg == "--shared-max") {
      o.shared_max = to_long(value(), "--shared-max");
    } else if (arg == "--n") {
      o.n = positive("--n");
    } else if (arg == "--tile") {
      o.tile = positive("--tile");
    } else if (arg == "--leaf") {
      o.leaf = positive("--leaf");
    } else if (arg == "--width") {
      o.width = positive("--width");
    } else if (arg == "--max-task-us") {
      o.max_task_us = to_double(value(), "--max-task-us");
    } else if (arg == "--min-task-us") {
      o.min_task_us = to_double(value(), "--min-task-us");
    } else if (arg == "--target-ms") {
      o.target_ms = to_double(value(), "--target-ms");
    } else if (arg == "--patterns") {
      for (auto& s : split(value())) {
        if (!known(kPatterns, s)) throw std::invalid_argument("unknown taskbench pattern '" + s + "'");
        o.patterns.push_back(s);
      }
    } else if (arg == "--max-tasks") {
      o.max_tasks = positive("--max-tasks");
    } else {
      throw std::invalid_argument("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (o.suites.empty()) o.suites = kSuites;
  if (o.variants.empty()) o.variants = kVariants;
  if (!workers_given) {
    int hw = static_cast<int>(std::thread::hardware_concurrency());
    if (hw > 0 && hw < o.workers) o.workers = hw;
  }
  if (o.n % o.tile != 0) throw std::invalid_argument("--n must be a multiple of --tile");
  if (o.tile % 4 != 0 || o.leaf % 4 != 0) throw std::invalid_argument("--tile and --leaf must be multiples of 4");
  if (!(o.min_task_us > 0) || !(o.max_task_us >= o.min_task_us))
    throw std::invalid_argument("need 0 < --min-task-us <= --max-task-us");
  if (!(o.target_ms > 0)) throw std::invalid_argument("--target-ms must be > 0");
  return o;
}

bool wants(const Options& o, const std::string& runtime) {
  return o.runtimes.empty() || known(o.runtimes, runtime);
}

void loud_error(const std::string& suite, const std::string& runtime, const std::string& what) {
  std::cerr << "\n**************************************************************************\n"
            << "*** canopy-bench-deps: " << runtime << " FAILED on " << suite << ":\n*** " << what
            << "\n**************************************************************************\n";
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

void settle(const Options& o) {
  if (o.settle_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o.settle_ms));
}

void check_workers(const char* runtime, int got, int want) {
  if (got != want)
    throw std::runtime_error(std::string(runtime) + " runs " + std::to_string(got) + " workers, not " +
                             std::to_string(want) + " (is CANOPY_WORKERS set?)");
}

int main(int argc, char** argv) {
  Options o;
  try {
    o = parse_options(argc, argv);
  } catch (const std::invalid_argument& e) {
    if (!*e.what()) {  // --help
      std::cout << usage();
      return 0;
    }
    std::cerr << "canopy-bench-deps: " << e.what() << "\n" << usage();
    return 2;
  }
  bool ok = true;
  for (const std::string& s : o.suites) {
    try {
      if (s == "spawn-deps") ok = run_spawn_deps(o) && ok;
      else if (s == "cholesky") ok = run_cholesky(o) && ok;
      else if (s == "stencil") ok = run_stencil(o) && ok;
      else if (s == "taskbench") ok = run_taskbench(o) && ok;
    } catch (const std::exception& e) {
      loud_error(s, "(suite)", std::string("exception: ") + e.what());
      ok = false;
    }
    std::cout.flush();
  }
  if (!ok) std::cerr << "\ncanopy-bench-deps: FAILED (see the errors above)\n";
  return ok ? 0 : 1;
}

}  // namespace bench::deps
