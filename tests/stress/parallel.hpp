#pragma once
// Running a program on the parallel runtime.
#include <canopy/canopy.hpp>

#include "program.hpp"

namespace stress {

/// run_parallel runs p on rt. What the runtime throws is recorded in Result::violations, not thrown.
Result run_parallel(canopy::Runtime& rt, const Program& p);

}  // namespace stress
