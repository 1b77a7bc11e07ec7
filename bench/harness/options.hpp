// canopy-bench's command line.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/suite.hpp"

namespace bench {

struct Options {
  std::vector<SuiteId> suites;      // default: all
  std::vector<RuntimeId> runtimes;  // default: all (canopy only when built with it)
  std::vector<int> workers;         // default: 1,2 capped at the hardware concurrency
  std::string size = "small";
  int repeat = 5;
  std::string json_path;            // empty: no JSON
  std::string plot_path;            // empty: no speedup plot (PNG drawn by gnuplot)
  std::map<SuiteId, std::int64_t> n_override;  // --input fib=38
  int settle_ms = 10;               // pause between runs, so one runtime's idle spinning ends first
  int serve_boost_fiber = 0;        // internal: run as the Boost.Fiber server with this many threads
  bool help = false;
};

// Throws std::invalid_argument with a message fit for the user.
Options parse_options(int argc, char** argv);
const char* usage();

}  // namespace bench
