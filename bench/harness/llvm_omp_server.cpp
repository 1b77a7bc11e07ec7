// canopy-bench-llvm-omp W: the fib, nqueens and UTS kernels of OpenMP (fib/omp.cpp, ...) compiled by
// clang against LLVM's OpenMP runtime (libomp), serving canopy-bench over the line protocol of
// server_protocol.hpp with a team of W threads. libomp and libgomp both define the omp_* and GOMP_*
// entry points, so they cannot share canopy-bench's process; the same kernel sources built twice give
// the two runtimes identical task structures.
#include <omp.h>
#include <pthread.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "harness/clock.hpp"
#include "harness/kernels.hpp"
#include "harness/server_protocol.hpp"

namespace {

int g_workers = 1;

std::string run_one(const std::string& suite, long long arg) {
  using namespace bench;
  omp_set_num_threads(g_workers);
  const auto t0 = Clock::now();
  std::uint64_t answer = 0;
  if (suite == "fib") answer = fib_omp(static_cast<int>(arg));
  else if (suite == "nqueens") answer = nqueens_omp(static_cast<int>(arg));
  else if ((suite == "uts-t1l" || suite == "uts-t3l") && arg >= 0 && arg < 3)
    answer = uts_omp(*(suite == "uts-t1l" ? uts::t1l(kSizeNames[arg]) : uts::t3l(kSizeNames[arg])));
  else return "error llvm-omp has no suite '" + suite + "' " + std::to_string(arg);
  return ok_reply(seconds_since(t0), answer);
}

}  // namespace

int main(int argc, char** argv) {
  g_workers = argc == 2 ? std::atoi(argv[1]) : 0;
  if (g_workers < 1) {
    std::cerr << "usage: canopy-bench-llvm-omp WORKERS (started by canopy-bench --runtimes llvm-omp)\n";
    return 2;
  }
  // UTS T3L recurses ~15 000 tree levels deep, and a thread runs the tasks it takes at a taskwait on
  // its own stack: 256 MiB per team thread, as TBB's workers get (reserved, not committed). libomp
  // reads this when it starts, at the first OpenMP call below.
  setenv("OMP_STACKSIZE", "256M", 0);
  omp_set_dynamic(0);
  omp_set_num_threads(g_workers);
  // The master (this loop's thread) recurses too: a 1 GiB stack, like canopy-bench's driver.
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, std::size_t{1} << 30);
  pthread_t t;
  auto body = [](void*) -> void* {
    bench::serve_lines(run_one);
    return nullptr;
  };
  if (pthread_create(&t, &attr, body, nullptr) != 0) body(nullptr);
  else pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
  return 0;
}
