// Canopy backends (canopy, canopy-hier): one canopy::Runtime per worker count, created once, shared by
// both and reused for every run. Without the Canopy library (CANOPY_BENCH_HAVE_CANOPY undefined) the
// factory returns nullptr.
#include "harness/backend.hpp"

#ifdef CANOPY_BENCH_HAVE_CANOPY

#include <memory>
#include <stdexcept>
#include <string>

#include "cholesky/cholesky.hpp"
#include "harness/canopy_kernels.hpp"
#include "harness/clock.hpp"
#include "harness/graph_suites.hpp"

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

// The runtime of this worker count, shared by the canopy and canopy-hier backends and gone with the
// last of them, before the driver sets up the next worker count.
std::shared_ptr<canopy::Runtime> shared_runtime(int workers) {
  static std::weak_ptr<canopy::Runtime> current;
  if (auto rt = current.lock(); rt && rt->workers() == workers) return rt;
  auto rt = std::make_shared<canopy::Runtime>(config(workers));
  if (rt->workers() != workers)
    throw std::runtime_error("canopy runs " + std::to_string(rt->workers()) + " workers, not " +
                             std::to_string(workers) + " (is CANOPY_WORKERS set?)");
  current = rt;
  return rt;
}

class CanopyBackend final : public Backend {
 public:
  explicit CanopyBackend(int workers) : rt_ptr_(shared_runtime(workers)), rt_(*rt_ptr_) {}

  Sample run(SuiteId s, const Input& in) override {
    if (is_graph(s)) return graph_sample(s, in, versions_);
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
      default: throw std::logic_error("canopy has no " + std::string(name(s)) + " version");
    }
    out.seconds = seconds_since(t0);
    return out;
  }

 private:
  std::shared_ptr<canopy::Runtime> rt_ptr_;
  canopy::Runtime& rt_;
  // Flat Cholesky: leaf = tile, so no task splits its tile.
  const GraphVersions versions_{
      [rt = &rt_](double* a, long n, long tile, long) { return chol::time_canopy(*rt, a, n, tile, tile); },
      [rt = &rt_](long width, long steps, long it, std::vector<stencil::Cell>& row) {
        return stencil::run_canopy(*rt, width, steps, it, row);
      },
      [rt = &rt_](const taskbench::Graph& g, const taskbench::Work& work, std::vector<stencil::Cell>& cells) {
        return taskbench::run_canopy(*rt, g, work, cells);
      }};
};

}  // namespace

std::unique_ptr<Backend> make_canopy_backend(int workers, bool hier) {
  if (!hier) return std::make_unique<CanopyBackend>(workers);
  // canopy-hier: Cholesky whose GEMM, SYRK and TRSM tasks split tiles above the leaf size.
  auto rt = shared_runtime(workers);
  auto* r = rt.get();
  return make_cholesky_backend("canopy-hier", std::move(rt), [r](double* a, long n, long tile, long leaf) {
    return chol::time_canopy(*r, a, n, tile, leaf);
  });
}

}  // namespace bench

#else

namespace bench {
std::unique_ptr<Backend> make_canopy_backend(int, bool) { return nullptr; }
}  // namespace bench

#endif
