// See driver.hpp.
#include "harness/driver.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "harness/backend.hpp"
#include "harness/progress.hpp"
#include "harness/sweep.hpp"
#include "harness/sweep_report.hpp"

namespace bench {
namespace {

void loud_error(const Block& b, RuntimeId r, const std::string& what) {
  std::cerr << "\n**************************************************************************\n"
            << "*** canopy-bench: " << name(r) << " FAILED on " << name(b.suite) << " " << b.input.sweep
            << (b.input.sweep.empty() ? "" : " ") << b.input.label << " with " << b.workers << " worker(s):\n*** "
            << what << "\n**************************************************************************\n";
}

// One run, checked. Returns false (and records the error) on a wrong answer or an exception.
bool run_checked(Backend& be, Block& b, RuntimeResult& r, bool timed) {
  try {
    Sample s = be.run(b.suite, b.input);
    if (s.answer != b.ref.answer) {
      r.error = "wrong answer: got " + std::to_string(s.answer) + ", expected " + std::to_string(b.ref.answer) +
                (b.suite == SuiteId::park ? " (0 = no other worker ever ran the child)" : "") +
                (s.mismatch.empty() ? "" : "; first difference: " + s.mismatch);
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

class Driver {
 public:
  Driver(const Options& o, std::vector<Block>& blocks) : o_(o), blocks_(blocks) {}

  bool run() {
    max_workers_ = *std::max_element(o_.workers.begin(), o_.workers.end());
    // The sweeps are planned (and their kernels calibrated) up front, so that the progress bar knows
    // their sizes.
    std::size_t total = 0;
    for (SuiteId s : o_.suites) {
      if (!is_sweep(s)) {
        for (int w : o_.workers) total += planned_runs(s, input_of(s), w);
        continue;
      }
      for (const SweepSpec& spec : sweeps_of(s, o_.graph, max_workers_)) {
        sweeps_[s].emplace_back(spec, o_.size, o_.graph, max_workers_, runtimes_for(s, max_workers_));
        total += sweep_runs(sweeps_[s].back());
      }
    }
    progress_ = std::make_unique<Progress>(total);
    for (int w : o_.workers) {
      workers_ = w;
      for (SuiteId s : o_.suites) {
        if (!is_sweep(s)) run_suite(s);
        else if (w == max_workers_) run_sweeps(s);
      }
      // Backends go away in reverse order of creation before the next worker count is set up, so two
      // Canopy runtimes never coexist.
      while (!backends_.empty()) backends_.pop_back();
    }
    progress_.reset();
    return all_ok_;
  }

 private:
  Input input_of(SuiteId s) const {
    auto ov = o_.n_override.find(s);
    return input_for(s, o_.size, ov == o_.n_override.end() ? std::nullopt : std::optional(ov->second), o_.graph);
  }

  std::vector<RuntimeId> runtimes_for(SuiteId s, int w) const {
    std::vector<RuntimeId> out;
    for (RuntimeId r : o_.runtimes)
      if (supports(s, r, w)) out.push_back(r);
    return out;
  }

  std::size_t planned_runs(SuiteId s, const Input& in, int w) const {
    std::size_t n = 0;
    for (RuntimeId r : runtimes_for(s, w))
      if (!skip_reason(s, r, in)) n += static_cast<std::size_t>(o_.repeat) + 1;
    return n;
  }

  std::size_t sweep_runs(const Sweep& sw) const {
    return sw.max_points() * sw.runtimes().size() * (static_cast<std::size_t>(o_.repeat) + 1);
  }

  // The backend of `r` for this worker count, created when a suite first needs it (no Boost.Fiber
  // server for a UTS-only run) and kept for every later suite of this worker count.
  Backend* backend(RuntimeId r) {
    for (auto& [id, be] : backends_)
      if (id == r) return be.get();
    try {
      auto be = make_backend(r, workers_);
      if (!be) throw std::runtime_error("not built into this canopy-bench");
      backends_.emplace_back(r, std::move(be));
    } catch (const std::exception& e) {
      setup_error_[r] = e.what();
      backends_.emplace_back(r, nullptr);
    }
    return backends_.back().second.get();
  }

  const Reference& reference_of(const Block& b) {
    const std::string key = std::string(name(b.suite)) + "|" + b.input.sweep + "|" + b.input.label;
    auto ref = refs_.find(key);
    if (ref == refs_.end()) {
      progress_->message("serial reference for " + std::string(name(b.suite)) + " " + b.input.sweep +
                         (b.input.sweep.empty() ? "" : " ") + b.input.label + "...");
      ref = refs_.emplace(key, reference(b.suite, b.input)).first;
    }
    return ref->second;
  }

  // Runs block `b` (suite and input set) on `runtimes`, but not on those `sweep` dropped (shown as
  // skipped): rep 0 is the warm-up, and run r of every runtime happens before run r+1 of any.
  // Returns the runs it was planned to do.
  std::size_t run_block(Block& b, const std::vector<RuntimeId>& runtimes, const Sweep* sweep) {
    b.workers = workers_;
    b.ref = reference_of(b);
    std::vector<Backend*> active;  // parallel to b.results
    for (RuntimeId r : runtimes) {
      b.results.push_back(RuntimeResult{r, {}, {}, {}});
      if (auto why = sweep ? sweep->dropped(r) : std::nullopt) {
        b.results.back().skipped = *why;
        active.push_back(nullptr);
        continue;
      }
      Backend* be = backend(r);
      active.push_back(be);
      if (!be) {
        b.results.back().error = "setup failed: " + setup_error_[r];
        loud_error(b, r, b.results.back().error);
      } else if (auto why = skip_reason(b.suite, r, b.input)) {
        b.results.back().skipped = *why;
        active.back() = nullptr;
      }
    }
    std::size_t planned = 0;
    for (Backend* be : active) planned += be ? static_cast<std::size_t>(o_.repeat) + 1 : 0;
    progress_->block_start(b.suite, b.input.sweep.empty() ? b.input.label : b.input.sweep + " " + b.input.label,
                           workers_, planned);
    for (int rep = 0; rep <= o_.repeat; ++rep) {
      for (std::size_t i = 0; i < active.size(); ++i) {
        if (!active[i] || !b.results[i].error.empty()) continue;
        progress_->run_start(b.results[i].runtime, rep, o_.repeat);
        run_checked(*active[i], b, b.results[i], rep > 0);
        progress_->run_done();
        std::this_thread::sleep_for(std::chrono::milliseconds(o_.settle_ms));
      }
    }
    progress_->block_end();
    for (const RuntimeResult& r : b.results)
      if (!r.error.empty()) all_ok_ = false;
    return planned;
  }

  void run_suite(SuiteId s) {
    Block b;
    b.suite = s;
    b.input = input_of(s);
    const std::vector<RuntimeId> runtimes = runtimes_for(s, workers_);
    if (runtimes.empty()) return;
    run_block(b, runtimes, nullptr);
    for (const RuntimeResult& r : b.results)
      if (workers_ == 1 && r.error.empty() && r.skipped.empty())
        one_worker_[speedup_key(b, r.runtime)] = summarize(r.samples).median;
    print_block(b, one_worker_);
    std::cout.flush();
    blocks_.push_back(std::move(b));
  }

  void run_sweeps(SuiteId s) {
    for (Sweep& sw : sweeps_[s]) {
      if (sw.runtimes().empty()) continue;
      std::size_t left = sweep_runs(sw);
      print_sweep_header(sw.spec(), sw, workers_);
      while (auto in = sw.next()) {
        Block b;
        b.suite = s;
        b.input = std::move(*in);
        left -= std::min(left, run_block(b, sw.runtimes(), &sw));
        sw.record(b);
        print_sweep_row(sw.blocks(), sw.runtimes());
        blocks_.push_back(std::move(b));
      }
      progress_->skip(left);  // the sizes and runtimes the sweep did not need
      print_sweep_end(sw.blocks());
    }
    print_metg_summary(s, blocks_);
  }

  const Options& o_;
  std::vector<Block>& blocks_;
  std::unique_ptr<Progress> progress_;
  int workers_ = 1, max_workers_ = 1;
  bool all_ok_ = true;
  std::map<std::string, Reference> refs_;         // serial references, by suite, sweep and input
  std::map<std::string, double> one_worker_;      // 1-worker medians, for the speedup column
  std::map<SuiteId, std::vector<Sweep>> sweeps_;  // planned at the start
  std::vector<std::pair<RuntimeId, std::unique_ptr<Backend>>> backends_;  // of this worker count
  std::map<RuntimeId, std::string> setup_error_;
};

}  // namespace

bool run_benchmarks(const Options& o, std::vector<Block>& blocks) { return Driver(o, blocks).run(); }

}  // namespace bench
