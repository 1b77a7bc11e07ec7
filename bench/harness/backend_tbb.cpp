// oneTBB backend: one task_arena with `workers` slots (the calling thread takes one), created and
// initialised once; every run enters it with execute().
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <stdexcept>

#include "harness/backend.hpp"
#include "harness/clock.hpp"
#include "harness/kernels.hpp"

namespace bench {
namespace {

class TbbBackend final : public Backend {
 public:
  explicit TbbBackend(int workers)
      // UTS T3L recurses ~15 000 tree levels deep, and a TBB worker nests every task it runs inside
      // task_group::wait on its own stack; TBB's default 4 MiB worker stack is not enough for that.
      : stack_(tbb::global_control::thread_stack_size, kStackBytes), arena_(workers) {
    arena_.initialize();
  }

  Sample run(SuiteId s, const Input& in) override {
    if (s == SuiteId::matmul)
      return matmul_sample(static_cast<int>(in.n), [&](const double* a, const double* b, double* c, int n) {
        arena_.execute([&] { matmul_tbb(a, b, c, n); });
      });
    Sample out;
    auto t0 = Clock::now();
    arena_.execute([&] {
      switch (s) {
        case SuiteId::fib: out.answer = fib_tbb(static_cast<int>(in.n)); break;
        case SuiteId::nqueens: out.answer = nqueens_tbb(static_cast<int>(in.n)); break;
        case SuiteId::uts_t1l:
        case SuiteId::uts_t3l: out.answer = uts_tbb(*in.tree); break;
        default: throw std::logic_error("tbb has no " + std::string(name(s)) + " version");
      }
    });
    out.seconds = seconds_since(t0);
    return out;
  }

 private:
  static constexpr std::size_t kStackBytes = std::size_t{256} << 20;  // reserved, touched lazily
  tbb::global_control stack_;
  tbb::task_arena arena_;
};

}  // namespace

std::unique_ptr<Backend> make_tbb_backend(int workers) { return std::make_unique<TbbBackend>(workers); }

}  // namespace bench
