// The METG sweeps (stencil, taskbench): the task size (kernel iterations) halves from the size's
// largest to its smallest; at each size every runtime runs the whole graph like any other block
// (warm-up, interleaved timed rounds, every run checked), and the figures of metg.hpp follow.
// The number of steps keeps a run near the target duration (never fewer than 8 steps nor more tasks
// than the cap). A runtime under 10 % efficiency (its fastest run) is not run at smaller sizes, and the
// sweep ends when no runtime is left. Sweeps run at the largest worker count only: METG is a figure of
// the whole machine, and a 1-worker sweep would measure the same per-task cost without the parallelism
// that hides it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/results.hpp"

namespace bench {

struct SweepSpec {
  SuiteId suite = SuiteId::taskbench;
  taskbench::Pattern pattern = taskbench::Pattern::stencil_1d;
  taskbench::Kernel kernel = taskbench::Kernel::compute;
  long width = 0;
};

// The sweeps of suite `s`: stencil has one (compute kernel); taskbench one per pattern and kernel
// (fft needs a power-of-two width and is left out otherwise, with a note on stderr). Throws
// std::invalid_argument on a width the suite cannot run.
std::vector<SweepSpec> sweeps_of(SuiteId s, const GraphParams& g, int workers);

class Sweep {
 public:
  // `runtimes`: those that take part; `size`: small, medium or large (the task sizes, target duration
  // and task cap, each overridden by `g` where it is set).
  Sweep(const SweepSpec& spec, std::string_view size, const GraphParams& g, int workers,
        std::vector<RuntimeId> runtimes);

  const SweepSpec& spec() const { return spec_; }
  std::size_t max_points() const { return sizes_.size(); }
  long first_iterations() const { return sizes_.empty() ? 0 : sizes_.front(); }
  const std::vector<Block>& blocks() const { return done_; }  // the points recorded so far
  const std::vector<RuntimeId>& runtimes() const { return runtimes_; }
  double seconds_per_iteration() const { return calibrated_; }  // one core, alone
  // The next task size's input, or nullopt when every size ran or no runtime is left.
  std::optional<Input> next();
  // Records a finished point (a block of this sweep); drops the runtimes that failed or fell under
  // 10 % efficiency.
  void record(const Block& b);
  // Why `r` no longer runs in this sweep, or nullopt.
  std::optional<std::string> dropped(RuntimeId r) const;

 private:
  SweepSpec spec_;
  int workers_;
  std::vector<RuntimeId> runtimes_;
  std::vector<std::pair<RuntimeId, std::string>> dropped_;
  double calibrated_ = 0, target_s_ = 0;
  long max_tasks_ = 0;
  std::vector<long> sizes_;  // iterations, largest first
  std::size_t next_ = 0;
  std::vector<Block> done_;
};

}  // namespace bench
