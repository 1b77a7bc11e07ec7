// canopy-bench's command line. `canopy-bench deps [options]` (and canopy-bench-deps) is the same
// command with other defaults: the suites of regions and privileges (spawn-deps, cholesky, stencil,
// taskbench) at size medium on min(2, hardware threads) workers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/suite.hpp"
#include "reduce/reduce.hpp"
#include "spawn_deps/deps.hpp"

namespace bench {

enum class Mode { all, deps };

struct Options {
  std::vector<SuiteId> suites;      // default: all (deps: cholesky, stencil, taskbench)
  std::vector<RuntimeId> runtimes;  // default: all that were built
  std::vector<int> workers;         // default: 1,2 capped at the hardware concurrency (deps: 2, capped)
  std::string size = "small";       // deps: medium
  int repeat = 5;
  std::string json_path;            // empty: no JSON
  std::string plot_path;            // empty: no plot (PNG drawn by gnuplot)
  std::map<SuiteId, std::int64_t> n_override;  // --input fib=38
  GraphParams graph;                // cholesky, stencil, taskbench
  bool spawn_deps = false;          // run the spawn-deps suite (its own table; not in the JSON)
  deps::Options spawn;              // its options
  bool reduce = false;              // run the reduce suite (its own table; not in the JSON)
  reduce::Options reduce_opt;       // its options
  int settle_ms = 10;               // pause between runs, so one runtime's idle spinning ends first
  int serve_boost_fiber = 0;        // internal: run as the Boost.Fiber server with this many threads
  bool help = false;
};

// Throws std::invalid_argument with a message fit for the user.
Options parse_options(int argc, char** argv, Mode mode = Mode::all);
const char* usage(Mode mode = Mode::all);

}  // namespace bench
