// The whole program, shared by the two executables: canopy-bench (main.cpp; `canopy-bench deps ...`
// is Mode::deps) and canopy-bench-deps (deps_main.cpp, always Mode::deps).
#pragma once

#include "harness/options.hpp"

namespace bench {

// 0 on success, 1 when a run failed or gave a wrong answer, 2 on bad usage.
int main(int argc, char** argv, Mode mode);

}  // namespace bench
