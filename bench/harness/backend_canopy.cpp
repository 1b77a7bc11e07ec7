// Canopy backend: one canopy::Runtime per worker count, created once and reused for every run.
// Without the Canopy library (CANOPY_BENCH_HAVE_CANOPY undefined) the factory returns nullptr.
#include "harness/backend.hpp"

#ifdef CANOPY_BENCH_HAVE_CANOPY

#include <stdexcept>
#include <string>

#include "harness/canopy_kernels.hpp"
#include "harness/clock.hpp"

namespace bench {
namespace {

// Config{.workers = w}, written out because -Wextra flags the designated form's omitted members,
// with a larger fiber stack: UTS T3L at size medium recurses 15,003 tree levels deep on one fiber,
// and the default 8 MiB stack overflowed there (16 MiB was enough; size large is 21,611 deep).
// Stacks are reserved, not committed, so this costs address space only. CANOPY_STACK_SIZE and
// CANOPY_WORKERS still override these (the runtime applies the environment last).
constexpr std::size_t kStackBytes = std::size_t{64} << 20;

canopy::Config config(int workers) {
  canopy::Config cfg;
  cfg.workers = workers;
  if (cfg.stack_size < kStackBytes) cfg.stack_size = kStackBytes;
  return cfg;
}

class CanopyBackend final : public Backend {
 public:
  explicit CanopyBackend(int workers) : rt_(config(workers)) {
    if (rt_.workers() != workers)
      throw std::runtime_error("canopy runs " + std::to_string(rt_.workers()) + " workers, not " +
                               std::to_string(workers) + " (is CANOPY_WORKERS set?)");
  }

  Sample run(SuiteId s, const Input& in) override {
    if (s == SuiteId::park) return park_sample(park_canopy(rt_, static_cast<int>(in.n)));
    if (s == SuiteId::matmul)
      return matmul_sample(static_cast<int>(in.n), [&](const double* a, const double* b, double* c, int n) {
        matmul_canopy(rt_, a, b, c, n);
      });
    Sample out;
    auto t0 = Clock::now();
    switch (s) {
      case SuiteId::fib: out.answer = fib_canopy(rt_, static_cast<int>(in.n)); break;
      case SuiteId::nqueens: out.answer = nqueens_canopy(rt_, static_cast<int>(in.n)); break;
      case SuiteId::uts_t1l:
      case SuiteId::uts_t3l: out.answer = uts_canopy(rt_, *in.tree); break;
      case SuiteId::matmul:
      case SuiteId::park: break;
    }
    out.seconds = seconds_since(t0);
    return out;
  }

 private:
  canopy::Runtime rt_;
};

}  // namespace

std::unique_ptr<Backend> make_canopy_backend(int workers) {
  return std::make_unique<CanopyBackend>(workers);
}

}  // namespace bench

#else

namespace bench {
std::unique_ptr<Backend> make_canopy_backend(int) { return nullptr; }
}  // namespace bench

#endif
