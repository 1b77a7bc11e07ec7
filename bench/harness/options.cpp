// Command-line parsing: comma-separated lists, validated up front so that a typo fails fast rather
// than after minutes of benchmarking.
#include "harness/options.hpp"

#include <charconv>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace bench {
namespace {

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    auto comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    if (!item.empty()) out.push_back(item);
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

}  // namespace

const char* usage() {
  return "usage: canopy-bench [--suite fib,nqueens,uts-t1l,uts-t3l,matmul,park]\n"
         "                    [--runtimes canopy,tbb,omp,serial,boost-fiber] [--workers 1,2]\n"
         "                    [--size small|medium|large] [--repeat N] [--json FILE]\n"
         "                    [--plot FILE.png]\n"
         "                    [--input SUITE=N,...] [--settle-ms MS]\n"
         "  --suite     kernels to run (default: all)\n"
         "  --runtimes  runtimes to compare (default: all that were built)\n"
         "  --workers   worker counts (default: 1,2, capped at the hardware concurrency)\n"
         "  --size      input size (default: small; medium = the speed targets' inputs)\n"
         "  --repeat    timed runs per runtime after one warm-up run (default: 5)\n"
         "  --json      write every sample, the summaries and the machine description to FILE\n"
         "  --plot      draw speedup vs workers (one panel per suite) into FILE.png with gnuplot\n"
         "  --input     override a size's input: fib=N, nqueens=N, matmul=N, park=ITERATIONS\n"
         "  --settle-ms pause between runs (default: 10)\n";
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
    if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--suite" || arg == "--suites") {
      for (auto s : split(value())) {
        auto id = parse_suite(s);
        if (!id) throw std::invalid_argument("unknown suite '" + std::string(s) + "'");
        o.suites.push_back(*id);
      }
    } else if (arg == "--runtimes" || arg == "--runtime") {
      for (auto s : split(value())) {
        auto id = parse_runtime(s);
        if (!id) throw std::invalid_argument("unknown runtime '" + std::string(s) + "'");
        o.runtimes.push_back(*id);
      }
    } else if (arg == "--workers") {
      workers_given = true;
      for (auto s : split(value())) {
        auto w = to_int(s, "--workers");
        if (w < 1 || w > 4096) throw std::invalid_argument("--workers: each count must be in [1, 4096]");
        o.workers.push_back(static_cast<int>(w));
      }
    } else if (arg == "--size") {
      o.size = std::string(value());
      if (o.size != "small" && o.size != "medium" && o.size != "large")
        throw std::invalid_argument("--size must be small, medium or large");
    } else if (arg == "--repeat") {
      o.repeat = static_cast<int>(to_int(value(), "--repeat"));
      if (o.repeat < 1) throw std::invalid_argument("--repeat must be >= 1");
    } else if (arg == "--json") {
      o.json_path = std::string(value());
    } else if (arg == "--plot") {
      o.plot_path = std::string(value());
    } else if (arg == "--input") {
      for (auto s : split(value())) {
        auto eq = s.find('=');
        auto id = eq == std::string_view::npos ? std::nullopt : parse_suite(s.substr(0, eq));
        if (!id) throw std::invalid_argument("--input wants SUITE=N, got '" + std::string(s) + "'");
        o.n_override[*id] = to_int(s.substr(eq + 1), "--input");
      }
    } else if (arg == "--settle-ms") {
      o.settle_ms = static_cast<int>(to_int(value(), "--settle-ms"));
    } else if (arg == "--serve-boost-fiber") {
      o.serve_boost_fiber = static_cast<int>(to_int(value(), "--serve-boost-fiber"));
    } else {
      throw std::invalid_argument("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (o.suites.empty()) o.suites.assign(std::begin(kAllSuites), std::end(kAllSuites));
  if (!workers_given) {
    // Default 1,2, but never more workers than hardware threads unless asked for explicitly:
    // oversubscribed work-stealing runtimes measure the OS scheduler, not themselves.
    int hw = static_cast<int>(std::thread::hardware_concurrency());
    for (int w : {1, 2})
      if (hw <= 0 || w <= hw) o.workers.push_back(w);
  }
  return o;
}

}  // namespace bench
