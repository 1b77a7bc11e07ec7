#pragma once
// Recording side of the race witness.
#include <cstdint>

#include "canopy/witness.hpp"
#include "task_deps.hpp"

#if defined(CANOPY_CHECKED) && CANOPY_CHECKED
#define CANOPY_CHECKED_BUILD 1
#else
#define CANOPY_CHECKED_BUILD 0
#endif

namespace canopy::rt {

/// witness_record notes that task f held its privileges from start_ns until now.
void witness_record(const detail::Frame* f, std::int64_t start_ns);

}  // namespace canopy::rt
