// The serial backend, the factory and what this build has.
#include <stdexcept>

#include "cholesky/cholesky.hpp"
#include "harness/backend.hpp"
#include "harness/clock.hpp"
#include "harness/graph_suites.hpp"
#include "harness/kernels.hpp"
#include "matmul/matmul.hpp"

namespace bench {
namespace {

class SerialBackend final : public Backend {
 public:
  Sample run(SuiteId s, const Input& in) override {
    if (is_graph(s)) return graph_sample(s, in, versions_);
    Sample out;
    auto t0 = Clock::now();
    switch (s) {
      case SuiteId::fib: out.answer = fib_serial(static_cast<int>(in.n)); break;
      case SuiteId::nqueens: out.answer = nqueens_serial(static_cast<int>(in.n)); break;
      case SuiteId::uts_t1l:
      case SuiteId::uts_t3l: out.answer = uts_serial(*in.tree); break;
      case SuiteId::matmul: return matmul_sample(static_cast<int>(in.n), matmul_serial);
      default: throw std::logic_error("serial has no " + std::string(name(s)) + " version");
    }
    out.seconds = seconds_since(t0);
    return out;
  }

 private:
  const GraphVersions versions_{[](double* a, long n, long tile, long) { return chol::time_serial(a, n, tile); },
                                stencil::run_serial, taskbench::run_serial};
};

class CholeskyBackend final : public Backend {
 public:
  CholeskyBackend(std::string who, std::shared_ptr<void> keep, CholeskyFn fn)
      : who_(std::move(who)), keep_(std::move(keep)), versions_{std::move(fn), {}, {}} {}

  Sample run(SuiteId s, const Input& in) override {
    if (s != SuiteId::cholesky) throw std::logic_error(who_ + " has only a cholesky version");
    return graph_sample(s, in, versions_);
  }

 private:
  std::string who_;
  std::shared_ptr<void> keep_;
  GraphVersions versions_;
};

}  // namespace

std::unique_ptr<Backend> make_serial_backend() { return std::make_unique<SerialBackend>(); }

std::unique_ptr<Backend> make_cholesky_backend(std::string who, std::shared_ptr<void> keep, CholeskyFn fn) {
  return std::make_unique<CholeskyBackend>(std::move(who), std::move(keep), std::move(fn));
}

// StarPU: one session (starpu_init .. starpu_shutdown) per worker count, its workers paused between
// runs (cholesky/starpu.cpp). Without StarPU the session's constructor throws.
std::unique_ptr<Backend> make_starpu_backend(int workers) {
  auto session = std::make_shared<chol::StarpuSession>(workers);
  auto* s = session.get();
  return make_cholesky_backend("starpu", std::move(session),
                               [s](double* a, long n, long tile, long) { return s->time(a, n, tile); });
}

std::unique_ptr<Backend> make_backend(RuntimeId r, int workers) {
  switch (r) {
    case RuntimeId::serial: return make_serial_backend();
    case RuntimeId::tbb: return make_tbb_backend(workers);
    case RuntimeId::omp: return make_omp_backend(workers);
    case RuntimeId::llvm_omp: return make_llvm_omp_backend(workers);
    case RuntimeId::canopy: return make_canopy_backend(workers, false);
    case RuntimeId::canopy_hier: return make_canopy_backend(workers, true);
    case RuntimeId::starpu: return make_starpu_backend(workers);
    case RuntimeId::boost_fiber: return make_boost_fiber_backend(workers);
  }
  return nullptr;
}

bool built(RuntimeId r) {
  switch (r) {
    case RuntimeId::canopy:
    case RuntimeId::canopy_hier:
#ifdef CANOPY_BENCH_HAVE_CANOPY
      return true;
#else
      return false;
#endif
    case RuntimeId::starpu: return chol::have_starpu();
    case RuntimeId::llvm_omp: return !llvm_omp_server().empty();
    default: return true;
  }
}

Sample matmul_sample(int n, const MatmulKernel& kernel) {
  const matmul::Problem& p = matmul::problem(n);
  std::vector<double> c(p.ref.size(), 0.0);
  Sample out;
  auto t0 = Clock::now();
  kernel(p.a.data(), p.b.data(), c.data(), n);
  out.seconds = seconds_since(t0);
  matmul::Check k = matmul::check(p, c);
  out.answer = k.matching;
  out.extra = {{"max_abs_diff", k.max_abs_diff}};
  return out;
}

Sample park_sample(const ParkResult& r) {
  Sample out;
  out.seconds = r.park_seconds;
  // A timed-out run reports answer 0, which the driver flags as a wrong answer.
  out.answer = r.timed_out ? 0 : r.iterations;
  out.extra = {{"spin_seconds", r.spin_seconds},
               {"stolen", static_cast<double>(r.stolen)},
               {"parked", static_cast<double>(r.parked)},
               {"timed_out", r.timed_out ? 1.0 : 0.0}};
  return out;
}

}  // namespace bench
