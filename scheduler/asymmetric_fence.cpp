#include "asymmetric_fence.hpp"

#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

namespace canopy::sched {

namespace {
std::atomic<int> registered{-1};  // -1 not tried, 0 refused, 1 registered

long membarrier(int cmd) { return syscall(__NR_membarrier, cmd, 0u, 0); }
}  // namespace

bool enable_asymmetric_fence() {
  int state = registered.load(std::memory_order_acquire);
  if (state < 0) {
    state = membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0 ? 1 : 0;
    registered.store(state, std::memory_order_release);
  }
  return state == 1;
}

void heavy_fence() {
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (registered.load(std::memory_order_relaxed) == 1) membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
}

}  // namespace canopy::sched
