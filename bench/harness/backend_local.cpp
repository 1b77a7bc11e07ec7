// The serial backend and the factory.
#include <stdexcept>

#include "harness/backend.hpp"
#include "harness/clock.hpp"
#include "harness/kernels.hpp"
#include "matmul/matmul.hpp"

namespace bench {
namespace {

class SerialBackend final : public Backend {
 public:
  Sample run(SuiteId s, const Input& in) override {
    Sample out;
    auto t0 = Clock::now();
    switch (s) {
      case SuiteId::fib: out.answer = fib_serial(static_cast<int>(in.n)); break;
      case SuiteId::nqueens: out.answer = nqueens_serial(static_cast<int>(in.n)); break;
      case SuiteId::uts_t1l:
      case SuiteId::uts_t3l: out.answer = uts_serial(*in.tree); break;
      case SuiteId::matmul: return matmul_sample(static_cast<int>(in.n), matmul_serial);
      case SuiteId::park: throw std::logic_error("serial has no park benchmark");
    }
    out.seconds = seconds_since(t0);
    return out;
  }
};

}  // namespace

std::unique_ptr<Backend> make_serial_backend() { return std::make_unique<SerialBackend>(); }

std::unique_ptr<Backend> make_backend(RuntimeId r, int workers) {
  switch (r) {
    case RuntimeId::serial: return make_serial_backend();
    case RuntimeId::tbb: return make_tbb_backend(workers);
    case RuntimeId::omp: return make_omp_backend(workers);
    case RuntimeId::canopy: return make_canopy_backend(workers);
    case RuntimeId::boost_fiber: return make_boost_fiber_backend(workers);
  }
  return nullptr;
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
