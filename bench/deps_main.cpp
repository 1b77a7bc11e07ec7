// canopy-bench-deps: `canopy-bench deps` under its old name (spawn-deps, cholesky, stencil, taskbench).
#include "harness/main.hpp"

int main(int argc, char** argv) { return bench::main(argc, argv, bench::Mode::deps); }
