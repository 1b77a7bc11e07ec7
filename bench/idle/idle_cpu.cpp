// canopy-bench-idle: what an idle runtime costs. Runs a small task tree so that every worker has
// worked, then idles and reports the CPU time the process used meanwhile, how often its threads woke
// (voluntary context switches) and how long the first run after the idle period took.
//   canopy-bench-idle [--idle-ms N] [--canopy:workers=W ...]
#include <canopy/canopy.hpp>
#include <dirent.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "harness/canopy_kernels.hpp"

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

// Voluntary context switches of every thread of the process: each is one sleep, hence one wake-up.
long wakeups() {
  long sum = 0;
  DIR* dir = opendir("/proc/self/task");
  if (!dir) return -1;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream status(std::string("/proc/self/task/") + e->d_name + "/status");
    for (std::string line; std::getline(status, line);)
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0) sum += std::stol(line.substr(line.find(':') + 1));
  }
  closedir(dir);
  return sum;
}

}  // namespace

int main(int argc, char** argv) {
  canopy::Runtime rt(argc, argv);
  long idle_ms = 3000;
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--idle-ms") == 0 && i + 1 < argc) idle_ms = std::atol(argv[++i]);
  for (int i = 0; i < 10; ++i) bench::fib_canopy(rt, 20);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let every worker reach its sleep
  const double cpu0 = cpu_seconds();
  const long woke0 = wakeups();
  std::this_thread::sleep_for(std::chrono::milliseconds(idle_ms));
  const double cpu = cpu_seconds() - cpu0;
  const long woke = wakeups() - woke0;
  const auto start = std::chrono::steady_clock::now();
  const long answer = static_cast<long>(bench::fib_canopy(rt, 20));
  const double first_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("idle %ld ms, %d workers: CPU %.3f%% of one core, %ld wake-ups (%.1f per worker per second); "
              "fib(20) = %ld right after: %.3f ms\n",
              idle_ms, rt.workers(), 100.0 * cpu / (static_cast<double>(idle_ms) * 1e-3), woke,
              static_cast<double>(woke) / rt.workers() / (static_cast<double>(idle_ms) * 1e-3), answer, first_ms);
  return answer == 6765 ? 0 : 1;
}
