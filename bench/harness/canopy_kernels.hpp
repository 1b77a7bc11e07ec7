// Canopy's kernel entry points; only built when the `canopy` target exists (CANOPY_BENCH_HAVE_CANOPY).
// Each runs its kernel as the root task of the given runtime, which the backend creates once per worker
// count and reuses for every run.
#pragma once

#include <canopy/canopy.hpp>

#include "harness/kernels.hpp"

namespace bench {

std::uint64_t fib_canopy(canopy::Runtime& rt, int n);
std::uint64_t nqueens_canopy(canopy::Runtime& rt, int n);
std::uint64_t uts_canopy(canopy::Runtime& rt, const uts::Params& p);
void matmul_canopy(canopy::Runtime& rt, const double* a, const double* b, double* c, int n);
ParkResult park_canopy(canopy::Runtime& rt, int iterations);

}  // namespace bench
