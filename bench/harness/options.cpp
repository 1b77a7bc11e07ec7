// Command-line parsing: comma-separated lists, validated up front so that a typo fails fast rather
// than after minutes of benchmarking.
#include "harness/options.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace bench {
namespace {

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

std::int64_t to_int(std::string_view s, std::string_view what) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size())
    throw std::invalid_argument(std::string(what) + ": not an integer: '" + std::string(s) + "'");
  return v;
}

long positive(std::string_view s, std::string_view what) {
  const std::int64_t v = to_int(s, what);
  if (v < 1) throw std::invalid_argument(std::string(what) + " must be >= 1");
  return static_cast<long>(v);
}

double to_positive_double(std::string_view s, std::string_view what) {
  try {
    std::size_t used = 0;
    const double v = std::stod(std::string(s), &used);
    if (used == s.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(std::string(what) + ": not a positive number: '" + std::string(s) + "'");
}

// --suite: suite names, plus spawn-deps and reduce (which are not block suites, see deps.hpp).
void add_suites(Options& o, std::string_view list) {
  for (const std::string& s : split(list)) {
    if (s == "spawn-deps") {
      o.spawn_deps = true;
      continue;
    }
    if (s == "reduce") {
      o.reduce = true;
      continue;
    }
    auto id = parse_suite(s);
    if (!id) throw std::invalid_argument("unknown suite '" + s + "'");
    o.suites.push_back(*id);
  }
}

// The options of the task-graph suites and of spawn-deps; false when `arg` is none of them.
bool parse_graph_option(Options& o, std::string_view arg, const std::function<std::string_view()>& value) {
  GraphParams& g = o.graph;
  if (arg == "--tile") g.tile = positive(value(), arg);
  else if (arg == "--leaf") g.leaf = positive(value(), arg);
  else if (arg == "--width") g.width = positive(value(), arg);
  else if (arg == "--max-task-us") g.max_task_us = to_positive_double(value(), arg);
  else if (arg == "--min-task-us") g.min_task_us = to_positive_double(value(), arg);
  else if (arg == "--target-ms") g.target_ms = to_positive_double(value(), arg);
  else if (arg == "--max-tasks") g.max_tasks = positive(value(), arg);
  else if (arg == "--patterns" || arg == "--pattern")
    for (const std::string& s : split(value())) g.patterns.push_back(taskbench::pattern_of(s));
  else if (arg == "--kernel" || arg == "--kernels")
    for (const std::string& s : split(value())) g.kernels.push_back(taskbench::kernel_of(s));
  else if (arg == "--n") o.n_override[SuiteId::cholesky] = positive(value(), arg);  // canopy-bench-deps's name
  else if (arg == "--spawns") o.spawn.spawns = positive(value(), arg);
  else if (arg == "--shared-max") o.spawn.shared_max = to_int(value(), arg);
  else if (arg == "--reducers") o.reduce_opt.reducers = positive(value(), arg);
  else if (arg == "--layers") {
    o.reduce_opt.layers.clear();
    for (const std::string& s : split(value())) o.reduce_opt.layers.push_back(static_cast<int>(to_int(s, arg)));
  }
  else if (arg == "--siblings") {
    o.spawn.siblings.clear();
    for (const std::string& s : split(value())) o.spawn.siblings.push_back(positive(s, arg));
  } else if (arg == "--variants") {
    for (const std::string& s : split(value())) {
      const auto& known = deps::variant_names();
      if (std::find(known.begin(), known.end(), s) == known.end())
        throw std::invalid_argument("unknown spawn-deps variant '" + s + "'");
      o.spawn.variants.push_back(s);
    }
  } else {
    return false;
  }
  return true;
}

}  // namespace

const char* usage(Mode mode) {
  if (mode == Mode::deps)
    return "usage: canopy-bench deps [canopy-bench options] [--suite spawn-deps,cholesky,stencil,taskbench]\n"
           "  the same as canopy-bench, with other defaults: these four suites, --size medium, --workers 2\n"
           "  (at most the hardware threads); --n N is --input cholesky=N. See canopy-bench --help.\n";
  return "usage: canopy-bench [--suite fib,nqueens,uts-t1l,uts-t3l,matmul,park,cholesky,stencil,taskbench]\n"
         "                    [--runtimes serial,tbb,omp,llvm-omp,canopy,canopy-hier,starpu,boost-fiber]\n"
         "                    [--workers 1,2] [--size small|medium|large] [--repeat N] [--json FILE]\n"
         "                    [--plot FILE.png] [--input SUITE=N,...] [--settle-ms MS]\n"
         "  --suite     kernels to run (default: all; also spawn-deps, see canopy-bench deps)\n"
         "  --runtimes  runtimes to compare (default: all that were built; each suite runs those it has)\n"
         "  --workers   worker counts (default: 1,2, capped at the hardware concurrency); the METG sweeps\n"
         "              (stencil, taskbench) run at the largest only\n"
         "  --size      input size (default: small; medium = the speed targets' inputs)\n"
         "  --repeat    timed runs per runtime after one warm-up run (default: 5)\n"
         "  --json      write every sample, the summaries, METG and the machine description to FILE\n"
         "  --plot      draw speedup vs workers (one panel per suite) and efficiency vs task granularity\n"
         "              (one panel per METG sweep pattern) into FILE.png with gnuplot\n"
         "  --input     override a size's input: fib=N, nqueens=N, matmul=N, park=ITERATIONS, cholesky=N\n"
         "  --settle-ms pause between runs (default: 10)\n"
         "  cholesky:   --tile B (default 128), --leaf L (canopy-hier's sub-tiles; default B/2)\n"
         "  sweeps:     --patterns trivial,stencil_1d,tree,fft,all_to_all  --kernel compute,memory\n"
         "              --width W (stencil: the workers; taskbench: max(4, workers), at most 16)\n"
         "              --max-task-us US --min-task-us US (halving; small 32..1, medium 200..0.25)\n"
         "              --target-ms MS (one run; small 3, medium 10)  --max-tasks N (small 2000, medium 10000)\n"
         "  spawn-deps: --siblings 10,1000,100000 --spawns N --variants r+w,rw+shared,none,gated --shared-max N\n"
         "  reduce:     (only when named in --suite) --layers 0,1,2,3 --reducers N (default 10000)\n";
}

Options parse_options(int argc, char** argv, Mode mode) {
  Options o;
  bool workers_given = false;
  if (mode == Mode::deps) o.size = "medium";
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--suite" || arg == "--suites") {
      add_suites(o, value());
    } else if (arg == "--runtimes" || arg == "--runtime") {
      for (const std::string& s : split(value())) {
        auto id = parse_runtime(s);
        if (!id) throw std::invalid_argument("unknown runtime '" + s + "'");
        o.runtimes.push_back(*id);
      }
    } else if (arg == "--workers") {
      workers_given = true;
      for (const std::string& s : split(value())) {
        auto w = to_int(s, "--workers");
        if (w < 1 || w > 4096) throw std::invalid_argument("--workers: each count must be in [1, 4096]");
        o.workers.push_back(static_cast<int>(w));
      }
    } else if (arg == "--size") {
      o.size = std::string(value());
      if (o.size != "small" && o.size != "medium" && o.size != "large")
        throw std::invalid_argument("--size must be small, medium or large");
    } else if (arg == "--repeat") {
      o.repeat = static_cast<int>(positive(value(), "--repeat"));
    } else if (arg == "--json") {
      o.json_path = std::string(value());
    } else if (arg == "--plot") {
      o.plot_path = std::string(value());
    } else if (arg == "--input") {
      for (const std::string& s : split(value())) {
        auto eq = s.find('=');
        auto id = eq == std::string::npos ? std::nullopt : parse_suite(s.substr(0, eq));
        if (!id) throw std::invalid_argument("--input wants SUITE=N, got '" + s + "'");
        o.n_override[*id] = to_int(s.substr(eq + 1), "--input");
      }
    } else if (arg == "--settle-ms") {
      o.settle_ms = static_cast<int>(to_int(value(), "--settle-ms"));
    } else if (arg == "--serve-boost-fiber") {
      o.serve_boost_fiber = static_cast<int>(to_int(value(), "--serve-boost-fiber"));
    } else if (!parse_graph_option(o, arg, value)) {
      throw std::invalid_argument("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (o.suites.empty() && !o.spawn_deps && !o.reduce) {
    if (mode == Mode::deps) {
      o.suites = {SuiteId::cholesky, SuiteId::stencil, SuiteId::taskbench};
      o.spawn_deps = true;
    } else {
      o.suites.assign(std::begin(kAllSuites), std::end(kAllSuites));
    }
  }
  if (!workers_given) {
    // Never more workers than hardware threads unless asked for explicitly: oversubscribed
    // work-stealing runtimes measure the OS scheduler, not themselves.
    const int hw = static_cast<int>(std::thread::hardware_concurrency());
    const std::vector<int> wanted = mode == Mode::deps ? std::vector<int>{2} : std::vector<int>{1, 2};
    for (int w : wanted)
      if (hw <= 0 || w <= hw) o.workers.push_back(w);
    if (o.workers.empty()) o.workers.push_back(1);
  }
  o.spawn.repeat = o.repeat;
  o.spawn.workers = *std::max_element(o.workers.begin(), o.workers.end());
  o.reduce_opt.repeat = o.repeat;
  o.reduce_opt.workers = o.workers;
  return o;
}

}  // namespace bench
