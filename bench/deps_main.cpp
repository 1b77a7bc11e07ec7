// canopy-bench-deps: regions, privileges and the dependence analyzer under load (spawn-deps,
// cholesky, stencil); see spawn_deps/deps.hpp. The same suites run as `canopy-bench deps ...`.
#include "spawn_deps/deps.hpp"

int main(int argc, char** argv) { return bench::deps::main(argc, argv); }
