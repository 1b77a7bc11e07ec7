// Progress on stderr while the benchmarks run. On a terminal: one bar, redrawn in place, with the
// share of runs done, the elapsed and estimated remaining time and the run under way; it is erased
// before each table goes to stdout. Otherwise (a log file, CI): one plain line per suite and worker
// count ("[canopy-bench] fib fib(27), 2 worker(s): warm-up, run 1, ..., run 5").
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "harness/suite.hpp"

namespace bench {

class Progress {
 public:
  // `total_runs`: every warm-up and timed run the whole benchmark is planned to do.
  explicit Progress(std::size_t total_runs);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress();

  bool on_terminal() const { return tty_; }
  // A message line of its own (e.g. the serial reference being computed).
  void message(const std::string& line);
  // A suite on one input with one worker count starts; it is planned to do `runs` runs.
  void block_start(SuiteId s, const std::string& label, int workers, std::size_t runs);
  // Run `rep` (0 = warm-up, 1..repeat = timed) of runtime `r` starts.
  void run_start(RuntimeId r, int rep, int repeat);
  void run_done();
  // The block is over: counts it as fully done (runs skipped after an error included) and erases the
  // bar, or ends the plain line, so that its table can follow.
  void block_end();
  // `runs` of the plan will not happen (a sweep that ended early): counts them as done.
  void skip(std::size_t runs);

 private:
  void draw();
  void clear();

  bool tty_ = false;
  std::size_t total_ = 0, done_ = 0;
  std::size_t block_first_ = 0, block_runs_ = 0;
  int last_rep_ = -1;
  std::string block_, current_;
  std::chrono::steady_clock::time_point start_;
  bool drawn_ = false;
};

}  // namespace bench
