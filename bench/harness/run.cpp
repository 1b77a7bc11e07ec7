// canopy-bench's whole program (bench::main), shared by canopy-bench and canopy-bench-deps: parse,
// run the suites on a big stack, write the JSON and the plot; see options.cpp for the command line.
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
#include "harness/main.hpp"
#include "harness/options.hpp"
#include "harness/plot.hpp"
#include "harness/sweep.hpp"

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

// Checks what parsing cannot: runtimes and inputs this build can run, gnuplot for --plot.
void validate(bench::Options& opt) {
  using bench::RuntimeId;
  if (opt.runtimes.empty()) {
    for (RuntimeId r : bench::kAllRuntimes)
      if (bench::built(r)) opt.runtimes.push_back(r);
  }
  for (RuntimeId r : opt.runtimes)
    if (!bench::built(r))
      throw std::invalid_argument("this canopy-bench was built without " + std::string(bench::name(r)));
  if (opt.spawn_deps && !kCanopyBuilt)
    throw std::invalid_argument("spawn-deps: this canopy-bench was built without the Canopy library");
  if (opt.reduce && !kCanopyBuilt)
    throw std::invalid_argument("reduce: this canopy-bench was built without the Canopy library");
  // Inputs and sweeps are checked now, so that a typo fails before minutes of benchmarking.
  for (auto& [s, n] : opt.n_override) bench::input_for(s, opt.size, n, opt.graph);
  const int most_workers = *std::max_element(opt.workers.begin(), opt.workers.end());
  for (bench::SuiteId s : opt.suites) {
    if (bench::is_sweep(s)) bench::sweeps_of(s, opt.graph, most_workers);
    else if (s == bench::SuiteId::cholesky) bench::input_for(s, opt.size, std::nullopt, opt.graph);
  }
  if (!opt.plot_path.empty() && bench::find_gnuplot().empty())
    throw std::invalid_argument("--plot " + opt.plot_path +
                                ": gnuplot not found (not on PATH, nor in $CANOPY_BENCH_GNUPLOT); install "
                                "it (Debian: apt-get install gnuplot-nox) or leave out --plot");
}

// own_table runs a suite that prints its own table (spawn-deps, reduce) when asked for: false when it
// failed, after saying so.
template <class Suite>
bool own_table(bool asked, const char* name, Suite&& suite) {
  if (!asked) return true;
#ifdef CANOPY_BENCH_HAVE_CANOPY
  try {
    return suite();
  } catch (const std::exception& e) {
    std::cerr << "canopy-bench: " << name << ": " << e.what() << "\n";
    return false;
  }
#else
  (void)name;
  (void)suite;
  return false;  // validate() refused it already
#endif
}

// spawn-deps, when asked for and Canopy is among the runtimes.
bool run_spawn_deps(const bench::Options& opt) {
  if (std::find(opt.runtimes.begin(), opt.runtimes.end(), bench::RuntimeId::canopy) == opt.runtimes.end()) return true;
  return own_table(opt.spawn_deps, "spawn-deps", [&] { return bench::deps::run_spawn_deps(opt.spawn); });
}

// reduce, when asked for.
bool run_reduce(const bench::Options& opt) {
  return own_table(opt.reduce, "reduce", [&] { return bench::reduce::run_reduce(opt.reduce_opt); });
}

}  // namespace

namespace bench {

int main(int argc, char** argv, Mode mode) {
  // A server process that dies must surface as an error message, not kill us with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  bench::Options opt;
  try {
    opt = bench::parse_options(argc, argv, mode);
    if (opt.help) {
      std::cout << bench::usage(mode);
      return 0;
    }
    if (opt.serve_boost_fiber > 0) return bench::serve_boost_fiber(opt.serve_boost_fiber);
    validate(opt);
  } catch (const std::exception& e) {
    std::cerr << "canopy-bench: " << e.what() << "\n" << bench::usage(mode);
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
  bool ok = run_spawn_deps(opt);
  ok = run_reduce(opt) && ok;
  try {
    if (!opt.suites.empty()) ok = run_on_big_stack([&] { return bench::run_benchmarks(opt, blocks) ? 0 : 1; }) == 0 && ok;
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

}  // namespace bench
