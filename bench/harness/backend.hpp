// A backend is one runtime set up for one worker count: it owns the runtime's long-lived state
// (TBB arena, OpenMP team size, Canopy runtime, Boost.Fiber server process) so that thread start-up
// is paid once, outside every timed run, and is reused by all the runs of that worker count.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "harness/suite.hpp"

namespace bench {

class Backend {
 public:
  virtual ~Backend() = default;
  // One timed run of suite `s` on `in`. Throws on a runtime error; the caller checks the answer.
  virtual Sample run(SuiteId s, const Input& in) = 0;
};

std::unique_ptr<Backend> make_serial_backend();
std::unique_ptr<Backend> make_tbb_backend(int workers);
std::unique_ptr<Backend> make_omp_backend(int workers);
// nullptr when canopy-bench was built without the Canopy library. `hier`: canopy-hier, Cholesky with
// tiles split into child tasks. Both share one canopy::Runtime per worker count.
std::unique_ptr<Backend> make_canopy_backend(int workers, bool hier);
// StarPU (Cholesky only): one starpu_init .. starpu_shutdown per worker count.
std::unique_ptr<Backend> make_starpu_backend(int workers);
// LLVM's OpenMP runtime cannot share a process with libgomp (both define the omp_* and GOMP_* entry
// points), so it runs in a server program of its own, built with clang (llvm_omp_server.cpp).
std::unique_ptr<Backend> make_llvm_omp_backend(int workers);
// The path of that server; empty when it was not built.
std::string llvm_omp_server();
// Boost.Fiber's work_stealing algorithm fixes its thread count once per process (a function-static
// barrier and a once_flag in its constructor), so each worker count runs in a server process of its
// own: this binary started again with --serve-boost-fiber (see fiber_server.cpp).
std::unique_ptr<Backend> make_boost_fiber_backend(int workers);

std::unique_ptr<Backend> make_backend(RuntimeId r, int workers);

// One matmul run of order n: C is zeroed before the clock starts, `kernel` (C += A * B) is timed, and
// C is checked against the serial result after it stops (answer: elements that match, plus the
// extra figure max_abs_diff).
using MatmulKernel = std::function<void(const double* a, const double* b, double* c, int n)>;
Sample matmul_sample(int n, const MatmulKernel& kernel);

// A backend with only a Cholesky version (canopy-hier, starpu): `fn(a, n, tile, leaf)` factors `a` in
// place and returns its seconds; `keep` owns what fn uses (a runtime, a session) as long as the backend.
using CholeskyFn = std::function<double(double* a, long n, long tile, long leaf)>;
std::unique_ptr<Backend> make_cholesky_backend(std::string who, std::shared_ptr<void> keep, CholeskyFn fn);

// Sample of a park run, shared by the backends that have one.
struct ParkResult;
Sample park_sample(const ParkResult& r);

}  // namespace bench
