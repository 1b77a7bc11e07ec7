// Comparing the parallel runtime with the serial reference, shrinking failures, and the watchdog
// that turns a hang into a report.
#include "harness.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <thread>
#include <typeinfo>

namespace diff {

namespace {

std::string difference(const Program& p, const std::vector<Elem>& want, const std::vector<Elem>& got) {
  std::ostringstream out;
  if (want.size() != got.size()) {
    out << "the parallel run returned " << got.size() << " values, the reference " << want.size();
    return out.str();
  }
  std::size_t at = 0, differing = 0;
  for (std::size_t r = 0; r < p.regions.size(); ++r) {
    const RegionDecl& d = p.regions[r];
    for (std::int64_t i = 0; i < d.extent[0]; ++i)
      for (std::int64_t j = 0; j < (d.dims == 2 ? d.extent[1] : 1); ++j, ++at) {
        if (want[at] == got[at]) continue;
        if (++differing <= 6) {
          out << "  r" << r << (d.dims == 2 ? "(" + std::to_string(i) + ", " + std::to_string(j) + ")" : "[" + std::to_string(i) + "]")
              << ": reference " << want[at] << ", parallel " << got[at] << "\n";
        }
      }
  }
  std::ostringstream head;
  head << differing << " region element(s) differ";
  if (want.back() != got.back()) head << (differing ? "; " : "") << "the checksum differs (reference " << want.back() << ", parallel " << got.back() << ")";
  head << "\n" << out.str();
  return head.str();
}

}  // namespace

std::optional<std::string> compare(canopy::Runtime& rt, const Program& p, int attempts) {
  const std::vector<Elem> want = run_reference(p);
  for (int a = 0; a < attempts; ++a) {
    std::vector<Elem> got;
    try {
      got = run_parallel(rt, p);
    } catch (const std::exception& e) {
      return std::string("the parallel run threw ") + typeid(e).name() + ": " + e.what();
    }
    if (got != want) return difference(p, want, got);
  }
  return std::nullopt;
}

std::string check_seeds(std::uint64_t first, std::uint64_t count, int workers, const GenOptions& options) {
  canopy::Config cfg;
  cfg.workers = workers;
  canopy::Runtime rt(cfg);
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    const Program p = generate(seed, options);
    if (env_u64("CANOPY_DIFF_VERBOSE", 0)) std::fprintf(stderr, "%s\n", describe(p).c_str());
    std::optional<std::string> diff;
    {
      Watchdog wd(60, "seed " + std::to_string(seed) + " on " + std::to_string(workers) + " workers\n" + describe(p));
      diff = compare(rt, p);
    }
    if (!diff) continue;
    auto still_fails = [&](const Program& q) {
      Watchdog wd(60, "while shrinking seed " + std::to_string(seed) + ":\n" + describe(q));
      return compare(rt, q, 10).has_value();
    };
    const Program small = shrink(p, still_fails);
    std::optional<std::string> small_diff;
    {
      Watchdog wd(60, "shrunk seed " + std::to_string(seed) + ":\n" + describe(small));
      small_diff = compare(rt, small, 20);
    }
    std::ostringstream report;
    report << "seed " << seed << " fails on " << workers << " workers (rerun with CANOPY_DIFF_SEED=" << seed
           << "): " << *diff << "\nshrunk to " << count_tasks(small) - 1 << " tasks: "
           << (small_diff ? *small_diff : std::string("(the shrunk program passed its recheck: flaky)")) << "\n"
           << describe(small) << "\noriginal " << describe(p);
    return report.str();
  }
  return {};
}

struct Watchdog::State {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread thread;
};

Watchdog::Watchdog(double seconds, std::string what) : state_(new State) {
  state_->thread = std::thread([s = state_, seconds, what = std::move(what)] {
    std::unique_lock<std::mutex> lk(s->m);
    if (!s->cv.wait_for(lk, std::chrono::duration<double>(seconds), [s] { return s->done; })) {
      std::fprintf(stderr, "differential watchdog: no result after %.0f s (a hang or a deadlock) in\n%s\n", seconds, what.c_str());
      std::fflush(stderr);
      std::abort();
    }
  });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lk(state_->m);
    state_->done = true;
  }
  state_->cv.notify_one();
  state_->thread.join();
  delete state_;
}

std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  return std::strtoull(v, nullptr, 10);
}

}  // namespace diff
