#pragma once
// Runtime::Impl: the configuration in force and the scheduler of this rank.
#include <atomic>
#include <cstdint>
#include <memory>

#include "canopy/runtime.hpp"
#include "remote/remote.hpp"
#include "scheduler/scheduler.hpp"
#include "trace.hpp"

namespace canopy {

struct Runtime::Impl {
  Config config;
  std::unique_ptr<sched::Scheduler> scheduler;
  std::unique_ptr<rt::Tracer> tracer;  // set when Config::trace_path is
  std::unique_ptr<rt::Remote> remote;  // set in a job of several ranks
  int rank = 0;
  int ranks = 1;
};

namespace rt {
/// runtime_of is the runtime a worker belongs to.
inline Runtime::Impl& runtime_of(const detail::WorkerHot* w) { return *static_cast<Runtime::Impl*>(w->runtime); }
}  // namespace rt

}  // namespace canopy
