// OpenMP (libgomp) backend: sets the team size; each kernel opens its own parallel region, whose
// threads libgomp keeps alive between regions.
#include <omp.h>

#include <stdexcept>

#include "harness/backend.hpp"
#include "harness/clock.hpp"
#include "harness/kernels.hpp"

namespace bench {
namespace {

class OmpBackend final : public Backend {
 public:
  explicit OmpBackend(int workers) : workers_(workers) {
    omp_set_dynamic(0);
    omp_set_num_threads(workers_);
  }

  Sample run(SuiteId s, const Input& in) override {
    omp_set_num_threads(workers_);
    if (s == SuiteId::matmul) return matmul_sample(static_cast<int>(in.n), matmul_omp);
    Sample out;
    auto t0 = Clock::now();
    switch (s) {
      case SuiteId::fib: out.answer = fib_omp(static_cast<int>(in.n)); break;
      case SuiteId::nqueens: out.answer = nqueens_omp(static_cast<int>(in.n)); break;
      case SuiteId::uts_t1l:
      case SuiteId::uts_t3l: out.answer = uts_omp(*in.tree); break;
      case SuiteId::matmul: break;
      case SuiteId::park: throw std::logic_error("omp has no park benchmark");
    }
    out.seconds = seconds_since(t0);
    return out;
  }

 private:
  int workers_;
};

}  // namespace

std::unique_ptr<Backend> make_omp_backend(int workers) { return std::make_unique<OmpBackend>(workers); }

}  // namespace bench
