// See driver.hpp.
#include "harness/driver.hpp"

#include <chrono>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "harness/backend.hpp"
#include "harness/progress.hpp"

namespace bench {
namespace {

void loud_error(const Block& b, RuntimeId r, const std::string& what) {
  std::cerr << "\n**************************************************************************\n"
            << "*** canopy-bench: " << name(r) << " FAILED on " << name(b.suite) << " " << b.input.label
            << " with " << b.workers << " worker(s):\n*** " << what
            << "\n**************************************************************************\n";
}

// One run, checked. Returns false (and records the error) on a wrong answer or an exception.
bool run_checked(Backend& be, Block& b, RuntimeResult& r, bool timed) {
  try {
    Sample s = be.run(b.suite, b.input);
    if (s.answer != b.ref.answer) {
      r.error = "wrong answer: got " + std::to_string(s.answer) + ", expected " + std::to_string(b.ref.answer) +
                (b.suite == SuiteId::park ? " (0 = no other worker ever ran the child)" : "");
      loud_error(b, r.runtime, r.error);
      return false;
    }
    if (timed) r.samples.push_back(std::move(s));
    return true;
  } catch (const std::exception& e) {
    r.error = std::string("exception: ") + e.what();
    loud_error(b, r.runtime, r.error);
    return false;
  }
}

}  // namespace

bool run_benchmarks(const Options& o, std::vector<Block>& blocks) {
  bool all_ok = true;
  std::map<SuiteId, Reference> refs;          // the serial reference, once per suite
  std::map<std::string, double> one_worker;   // 1-worker medians, for the speedup column
  const auto settle = std::chrono::milliseconds(o.settle_ms);

  // The plan, for the progress bar: every warm-up and timed run of every block.
  auto input_of = [&](SuiteId s) {
    auto ov = o.n_override.find(s);
    return input_for(s, o.size, ov == o.n_override.end() ? std::nullopt : std::optional(ov->second));
  };
  auto planned_runs = [&](SuiteId s, const Input& in, int w) {
    std::size_t n = 0;
    for (RuntimeId r : o.runtimes)
      if (supports(s, r, w) && !skip_reason(s, r, in)) n += static_cast<std::size_t>(o.repeat) + 1;
    return n;
  };
  std::size_t total_runs = 0;
  for (int w : o.workers)
    for (SuiteId s : o.suites) total_runs += planned_runs(s, input_of(s), w);
  Progress progress(total_runs);

  for (int w : o.workers) {
    // Backends for this worker count, created when a suite first needs them (no Boost.Fiber server
    // for a UTS-only run) and kept for every later suite of this worker count.
    std::vector<std::pair<RuntimeId, std::unique_ptr<Backend>>> backends;
    std::map<RuntimeId, std::string> setup_error;
    auto backend = [&](RuntimeId r) -> Backend* {
      for (auto& [id, be] : backends)
        if (id == r) return be.get();
      try {
        auto be = make_backend(r, w);
        if (!be) throw std::runtime_error("not built into this canopy-bench");
        backends.emplace_back(r, std::move(be));
      } catch (const std::exception& e) {
        setup_error[r] = e.what();
        backends.emplace_back(r, nullptr);
      }
      return backends.back().second.get();
    };

    for (SuiteId s : o.suites) {
      Block b;
      b.suite = s;
      b.workers = w;
      b.input = input_of(s);
      auto ref = refs.find(s);
      if (ref == refs.end()) {
        progress.message("serial reference for " + std::string(name(s)) + " " + b.input.label + "...");
        ref = refs.emplace(s, reference(s, b.input)).first;
      }
      b.ref = ref->second;

      std::vector<Backend*> active;  // parallel to b.results
      for (RuntimeId r : o.runtimes) {
        if (!supports(s, r, w)) continue;
        Backend* be = backend(r);
        b.results.push_back(RuntimeResult{r, {}, {}, {}});
        active.push_back(be);
        if (!be) {
          b.results.back().error = "setup failed: " + setup_error[r];
          loud_error(b, r, b.results.back().error);
        } else if (auto why = skip_reason(s, r, b.input)) {
          b.results.back().skipped = *why;
          active.back() = nullptr;
        }
      }
      if (b.results.empty()) continue;
      progress.block_start(s, b.input.label, w, planned_runs(s, b.input, w));
      // rep 0 is the warm-up; run r of every runtime happens before run r+1 of any.
      for (int rep = 0; rep <= o.repeat; ++rep) {
        for (std::size_t i = 0; i < active.size(); ++i) {
          if (!active[i] || !b.results[i].error.empty()) continue;
          progress.run_start(b.results[i].runtime, rep, o.repeat);
          run_checked(*active[i], b, b.results[i], rep > 0);
          progress.run_done();
          std::this_thread::sleep_for(settle);
        }
      }
      progress.block_end();
      for (const RuntimeResult& r : b.results) {
        if (!r.error.empty()) all_ok = false;
        else if (w == 1 && r.skipped.empty()) one_worker[speedup_key(b, r.runtime)] = summarize(r.samples).median;
      }
      print_block(b, one_worker);
      std::cout.flush();
      blocks.push_back(std::move(b));
    }
    // Backends go away in reverse order of creation before the next worker count is set up, so two
    // Canopy runtimes never coexist.
    while (!backends.empty()) backends.pop_back();
  }
  return all_ok;
}

}  // namespace bench
