#pragma once
// Identifying the program a rank runs, so that ranks running different binaries refuse to talk.
#include <cstdint>
#include <string>

namespace canopy::comm {

/// ProgramId is a 64-bit hash of the main program and where it came from.
struct ProgramId {
  std::uint64_t hash = 0;
  std::string source;  ///< "build id" (the linker's NT_GNU_BUILD_ID note) or "contents" (of /proc/self/exe)
};

/// program_id hashes the main program's GNU build id; without one (linked with --build-id=none) it
/// hashes the contents of /proc/self/exe instead. Same executable file, same id, on every node.
ProgramId program_id();

/// hex renders an id as 16 hex digits, for error messages.
std::string hex(std::uint64_t id);

}  // namespace canopy::comm
