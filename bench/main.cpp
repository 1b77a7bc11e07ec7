// canopy-bench: nested-parallel and task-graph kernels on Canopy and its peers, with a serial
// baseline; `canopy-bench deps [options]` runs the suites of regions and privileges (options.hpp).
#include <string_view>

#include "harness/main.hpp"

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "deps") return bench::main(argc - 1, argv + 1, bench::Mode::deps);
  return bench::main(argc, argv, bench::Mode::all);
}
