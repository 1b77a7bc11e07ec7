// canopy-bench: fib, nqueens, UTS and park/resume on Canopy and its peers (oneTBB, libgomp,
// Boost.Fiber), with a serial baseline; see options.cpp for the command line.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "harness/driver.hpp"
#include "harness/fiber_server.hpp"
#include "harness/options.hpp"
#ifdef CANOPY_BENCH_HAVE_DEPS
#include "spawn_deps/deps.hpp"
#endif
#include "harness/plot.hpp"

#ifdef CANOPY_BENCH_HAVE_CANOPY
#include <canopy/system_info.hpp>
#endif

namespace {

#ifdef CANOPY_BENCH_HAVE_CANOPY
constexpr bool kCanopyBuilt = true;
#else
constexpr bool kCanopyBuilt = false;
#endif

// The driver runs on a thread with a 1 GiB stack (reserved, touched lazily): TBB's arena.execute, the
// OpenMP master and the serial baseline all recurse on the calling thread, and UTS T3L is ~15 000
// tree levels deep (21 600 at size large), more than the 8 MiB main stack holds once a runtime's own
// frames are added to every level.
int run_on_big_stack(const std::function<int()>& fn) {
  struct Call {
    const std::function<int()>* fn;
    int rc = 1;
    std::exception_ptr error;
  } call{&fn, 1, nullptr};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, std::size_t{1} << 30);
  pthread_t t;
  auto body = [](void* p) -> void* {
    auto* c = static_cast<Call*>(p);
    try {
      c->rc = (*c->fn)();
    } catch (...) {
      c->error = std::current_exception();
    }
    return nullptr;
  };
  if (pthread_create(&t, &attr, body, &call) != 0) {
    pthread_attr_destroy(&attr);
    return fn();  // no big stack: run here and hope the trees fit
  }
  pthread_attr_destroy(&attr);
  pthread_join(t, nullptr);
  if (call.error) std::rethrow_exception(call.error);
  return call.rc;
}

// Local time, ISO 8601 with the UTC offset: 2025-01-31T14:05:09+0100.
std::string now_iso8601() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  if (std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm) == 0) return "";
  return buf;
}

// The machine as Canopy describes it (canopy-info --json), with placements for the most workers run.
void describe_machine(bench::RunInfo& info, const bench::Options& opt) {
#ifdef CANOPY_BENCH_HAVE_CANOPY
  try {
    int workers = 0;
    for (int w : opt.workers) workers = std::max(workers, w);
    info.machine_json = canopy::to_json(canopy::system_info("", workers));
  } catch (const std::exception& e) {
    info.machine_error = e.what();
  }
#else
  (void)opt;
  info.machine_error = "built without the Canopy library";
#endif
}

}  // namespace

int main(int argc, char** argv) {
#ifdef CANOPY_BENCH_HAVE_DEPS
  // `canopy-bench deps [options]`: the suites of regions and privileges (spawn-deps, cholesky, stencil).
  if (argc > 1 && std::string_view(argv[1]) == "deps") return bench::deps::main(argc - 1, argv + 1);
#endif
  // A Boost.Fiber server that dies must surface as an error message, not kill us with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  bench::Options opt;
  try {
    opt = bench::parse_options(argc, argv);
    if (opt.help) {
      std::cout << bench::usage();
      return 0;
    }
    if (opt.serve_boost_fiber > 0) return bench::serve_boost_fiber(opt.serve_boost_fiber);
    if (opt.runtimes.empty()) {
      for (bench::RuntimeId r : bench::kAllRuntimes)
        if (r != bench::RuntimeId::canopy || kCanopyBuilt) opt.runtimes.push_back(r);
    }
    for (bench::RuntimeId r : opt.runtimes)
      if (r == bench::RuntimeId::canopy && !kCanopyBuilt)
        throw std::invalid_argument("this canopy-bench was built without the Canopy library");
    for (auto& [s, n] : opt.n_override) bench::input_for(s, opt.size, n);  // validate early
    if (!opt.plot_path.empty() && bench::find_gnuplot().empty())
      throw std::invalid_argument("--plot " + opt.plot_path +
                                  ": gnuplot not found (not on PATH, nor in $CANOPY_BENCH_GNUPLOT); install "
                                  "it (Debian: apt-get install gnuplot-nox) or leave out --plot");
  } catch (const std::exception& e) {
    std::cerr << "canopy-bench: " << e.what() << "\n" << bench::usage();
    return 2;
  }
  if (!kCanopyBuilt) std::cerr << "[canopy-bench] note: built without the Canopy library\n";

  bench::RunInfo info;
  info.size = opt.size;
  info.repeat = opt.repeat;
  info.hardware_concurrency = std::thread::hardware_concurrency();
  info.canopy_built = kCanopyBuilt;
  for (int i = 0; i < argc; ++i) {
    info.command_line += (i ? " " : "") + std::string(argv[i]);
    info.argv.emplace_back(argv[i]);
  }
  info.started_at = now_iso8601();

  std::vector<bench::Block> blocks;
  bool ok = false;
  try {
    ok = run_on_big_stack([&] { return bench::run_benchmarks(opt, blocks) ? 0 : 1; }) == 0;
  } catch (const std::exception& e) {
    std::cerr << "canopy-bench: " << e.what() << "\n";
    ok = false;
  }

  info.finished_at = now_iso8601();

  if (!opt.json_path.empty()) {
    describe_machine(info, opt);
    if (!bench::write_json(opt.json_path, info, blocks)) ok = false;
  }
  if (!opt.plot_path.empty() && !bench::write_plot(opt.plot_path, info, blocks)) ok = false;
  if (!ok) std::cerr << "\ncanopy-bench: FAILED (see the errors above)\n";
  return ok ? 0 : 1;
}
