#pragma once
// The race witness: in builds with CANOPY_CHECKED=ON the runtime records, for every task that holds
// privileges, when it ran (body start to the end of its subtree and reductions) and what it held.
// Tests use it to show that conflicting siblings never overlapped and that independent ones did.
#include <cstdint>
#include <string>
#include <vector>

#include "canopy/export.hpp"
#include "canopy/privilege.hpp"

namespace canopy {

/// WitnessUse is one privilege a task held: a box of a root region.
struct WitnessUse {
  std::uint64_t root_region = 0;
  int dims = 1;
  std::int64_t lo[2] = {0, 0};
  std::int64_t hi[2] = {0, 0};
  Privilege privilege = Privilege::read;
  std::string op;  ///< mangled reduction operator name, empty unless reduce
};

/// WitnessRecord is one task's lifetime with its privileges.
struct WitnessRecord {
  std::uint64_t task = 0;
  std::uint64_t parent = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::vector<WitnessUse> uses;
};

/// witness_enabled says whether this build records (CANOPY_CHECKED=ON).
CANOPY_EXPORT bool witness_enabled();
/// witness_take returns every record so far and forgets them.
CANOPY_EXPORT std::vector<WitnessRecord> witness_take();

}  // namespace canopy
