// OpenMP (libgomp) backend: sets the team size; each kernel opens its own parallel region, whose
// threads libgomp keeps alive between regions.
#include <omp.h>

#include <stdexcept>

#include "cholesky/cholesky.hpp"
#include "harness/backend.hpp"
#include "harness/clock.hpp"
#include "harness/graph_suites.hpp"
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
    if (is_graph(s)) return graph_sample(s, in, versions_);
    Sample out;
    auto t0 = Clock::now();
    switch (s) {
      case SuiteId::fib: out.answer = fib_omp(static_cast<int>(in.n)); break;
      case SuiteId::nqueens: out.answer = nqueens_omp(static_cast<int>(in.n)); break;
      case SuiteId::uts_t1l:
      case SuiteId::uts_t3l: out.answer = uts_omp(*in.tree); break;
      default: throw std::logic_error("omp has no " + std::string(name(s)) + " version");
    }
    out.seconds = seconds_since(t0);
    return out;
  }

 private:
  int workers_;
  const GraphVersions versions_{
      [w = workers_](double* a, long n, long tile, long) { return chol::time_omp(a, n, tile, w); },
      [w = workers_](long width, long steps, long it, std::vector<stencil::Cell>& row) {
        return stencil::run_omp(w, width, steps, it, row);
      },
      [w = workers_](const taskbench::Graph& g, const taskbench::Work& work, std::vector<stencil::Cell>& cells) {
        return taskbench::run_omp(w, g, work, cells);
      }};
};

}  // namespace

std::unique_ptr<Backend> make_omp_backend(int workers) { return std::make_unique<OmpBackend>(workers); }

}  // namespace bench
