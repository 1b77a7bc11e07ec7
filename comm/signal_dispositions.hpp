#pragma once
// Undoing what a library's load-time constructors did to the process's signal handlers.
#include <csignal>
#include <vector>

namespace canopy::comm {

/// SignalDispositions remembers every signal's action so that what a library's load-time constructors
/// changed can be undone. libucs takes over SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGHUP when it loads;
/// loading UCX must not make it the crash reporter of the whole program.
class SignalDispositions {
 public:
  /// Records the current action of every signal.
  SignalDispositions();
  /// restore puts back each action that differs from the recorded one.
  void restore() const;

 private:
  std::vector<struct sigaction> saved_;
  std::vector<bool> valid_;
};

}  // namespace canopy::comm
