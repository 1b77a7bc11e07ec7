#include "canopy/runtime.hpp"

#include <string>

#include "canopy/errors.hpp"

#include "completion.hpp"
#include "deadlock.hpp"
#include "log.hpp"
#include "runtime_impl.hpp"

namespace canopy {

namespace {
/// validate refuses settings no runtime can start with, whichever way they were given.
Config validate(Config cfg) {
  if (cfg.workers < 0 || cfg.workers > 4096)
    throw Error("canopy: Config::workers must be in [0, 4096] (0 = one per core), not " + std::to_string(cfg.workers));
  if (cfg.stack_size < 64 * 1024)
    throw Error("canopy: Config::stack_size must be at least 64 KiB, not " + std::to_string(cfg.stack_size));
  if (cfg.max_fibers < 1) throw Error("canopy: Config::max_fibers must be at least 1, not 0");
  rt::set_log_level(cfg.log_level);
  return cfg;
}
}  // namespace

Runtime::Runtime() : Runtime(Config{}) {}

Runtime::Runtime(Config cfg) : Runtime(validate(apply_env(std::move(cfg))), nullptr) {}

// Flags are applied after the environment, so a flag wins over a variable.
Runtime::Runtime(int& argc, char** argv, Config cfg)
    : Runtime(validate(apply_flags(apply_env(std::move(cfg)), argc, argv)), nullptr) {}

Runtime::Runtime(Config cfg, std::nullptr_t) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(cfg);
  sched::SchedulerOptions opts;
  opts.workers = impl_->config.workers;
  opts.stack_size = impl_->config.stack_size;
  opts.pin = impl_->config.pin_workers;
  opts.topology = impl_->config.topology;
  opts.rank = impl_->rank;
  opts.runtime = impl_.get();
  opts.on_deadlock = &rt::on_deadlock;
  opts.max_fibers = impl_->config.max_fibers;
  opts.on_overflow = &rt::report_overflow;
  impl_->scheduler = std::make_unique<sched::Scheduler>(std::move(opts));
  impl_->config.workers = impl_->scheduler->workers();
  if (!impl_->config.trace_path.empty()) {
    impl_->tracer = std::make_unique<rt::Tracer>(impl_->config.trace_path, impl_->config.workers, impl_->rank);
    for (int w = 0; w < impl_->config.workers; ++w) impl_->scheduler->set_trace_buffer(w, impl_->tracer->buffer(w));
  }
  rt::log(rt::Subsystem::runtime)
      .info("runtime up: {} workers on {} socket(s), topology {}", impl_->scheduler->workers(),
            impl_->scheduler->sockets(), impl_->scheduler->topology().source());
}

Runtime::~Runtime() {
  impl_->scheduler.reset();  // joins the workers: the trace buffers are quiet from here on
  if (impl_->tracer) impl_->tracer->write();
}

void Runtime::run_root(detail::Frame* root) {
  impl_->scheduler->submit(root, impl_->scheduler->placement().front().socket);
}

int Runtime::rank() const { return impl_->rank; }
int Runtime::ranks() const { return impl_->ranks; }
int Runtime::workers() const { return impl_->scheduler->workers(); }
const Config& Runtime::config() const { return impl_->config; }

std::vector<WorkerStats> Runtime::worker_stats() const {
  std::vector<WorkerStats> out;
  for (int i = 0; i < impl_->scheduler->workers(); ++i) {
    sched::WorkerStats s = impl_->scheduler->stats(i);
    out.push_back(WorkerStats{i, s.socket, s.executed, s.steals_local, s.steals_remote, s.parks});
  }
  return out;
}

}  // namespace canopy
