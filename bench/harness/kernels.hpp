// Entry points of every kernel, one per (kernel, runtime). The harness's backends call them; each
// backend owns the runtime's long-lived state (arena, thread team, fiber threads), so these functions
// measure nothing themselves and contain only the kernel.
//
// Canopy's entry points take a canopy::Runtime and live in canopy_kernels.hpp, so that this header
// builds before the Canopy library exists.
#pragma once

#include <cstdint>

#include "uts/uts_tree.hpp"

namespace bench {

// ---- fib(n), no cutoff: every call with n >= 2 spawns fib(n-1) and calls fib(n-2) directly.
std::uint64_t fib_serial(int n);
std::uint64_t fib_tbb(int n);          // run inside the caller's tbb::task_arena
std::uint64_t fib_omp(int n);          // opens its own parallel region (omp_set_num_threads first)
std::uint64_t fib_boost_fiber(int n);  // on a thread that runs Boost.Fiber's work_stealing algorithm
std::uint64_t fib_spawns(int n);       // spawns of the parallel versions: fib(n+1) - 1

// ---- nqueens(n): number of solutions; every placement of a queen is a task except the last
// placement tried in each row, which the parent explores directly.
struct NQueensCount {
  std::uint64_t solutions = 0;
  std::uint64_t spawns = 0;
};
std::uint64_t nqueens_serial(int n);
NQueensCount nqueens_reference(int n);  // serial, counting spawns too (untimed)
std::uint64_t nqueens_tbb(int n);
std::uint64_t nqueens_omp(int n);

// ---- UTS: number of nodes (see uts/uts_tree.hpp).
std::uint64_t uts_serial(const uts::Params& p);
uts::Count uts_reference(const uts::Params& p);  // serial, counting spawns and depth too (untimed)
std::uint64_t uts_tbb(const uts::Params& p);
std::uint64_t uts_omp(const uts::Params& p);

// ---- matmul: C += A * B on n x n row-major matrices (see matmul/matmul.hpp); C starts at zero.
void matmul_serial(const double* a, const double* b, double* c, int n);
void matmul_tbb(const double* a, const double* b, double* c, int n);
void matmul_omp(const double* a, const double* b, double* c, int n);

// ---- park: the parked-parent pattern, `iterations` times in one root task on 2 workers.
// Each iteration spawns a child, waits until another worker runs it, then waits on its future. In the
// "park" pass the parent waits with get() right away (its fiber parks, the child's completion resumes
// it); in the "spin" pass the parent busy-waits until the child is done and only then calls get().
// The difference between the two is the cost of one park + resume.
struct ParkResult {
  std::uint64_t iterations = 0;
  std::uint64_t stolen = 0;    // iterations whose child ran on another worker than the parent
  std::uint64_t parked = 0;    // iterations whose future was not ready when get() was called
  double park_seconds = 0;
  double spin_seconds = 0;
  bool timed_out = false;      // a child was never run by another worker (no stealing happened)
};
// Boost.Fiber cannot steal the child in this pattern (see park/boost_fiber.cpp); `remote` runs
// fn(arg) on a fiber of another thread instead.
using RemoteRun = void (*)(void (*fn)(void*), void* arg);
ParkResult park_boost_fiber(int iterations, RemoteRun remote);

}  // namespace bench
