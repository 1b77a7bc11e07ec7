// See driver.hpp.
#include "harness/driver.hpp"

#include <chrono>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "harness/backend.hpp"

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
      auto ov = o.n_override.find(s);
      b.input = input_for(s, o.size, ov == o.n_override.end() ? std::nullopt : std::optional(ov->second));
      auto ref = refs.find(s);
      if (ref == refs.end()) {
        std::cerr << "[canopy-bench] serial reference for " << name(s) << " " << b.input.label << "...\n";
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
      std::cerr << "[canopy-bench] " << name(s) << " " << b.input.label << ", " << w << " worker(s): warm-up";
      for (std::size_t i = 0; i < active.size(); ++i) {
        if (!active[i] || !b.results[i].error.empty()) continue;
        run_checked(*active[i], b, b.results[i], false);
        std::this_thread::sleep_for(settle);
      }
      for (int rep = 0; rep < o.repeat; ++rep) {
        std::cerr << ", run " << rep + 1;
        for (std::size_t i = 0; i < active.size(); ++i) {
          if (!active[i] || !b.results[i].error.empty()) continue;
          run_checked(*active[i], b, b.results[i], true);
          std::this_thread::sleep_for(settle);
        }
      }
      std::cerr << "\n";
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
