#pragma once
// TaskInfo: where and what a running task is.
#include <cstdint>

namespace canopy {

/// TaskInfo describes the running task: its id, depth in the task tree and where it runs now.
struct TaskInfo {
  std::uint64_t id = 0;  ///< unique within a rank while the runtime lives
  int depth = 0;         ///< 0 for the root task
  int rank = 0;
  int socket = 0;
  int worker = 0;
};

}  // namespace canopy
