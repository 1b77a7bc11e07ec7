#include "canopy/runtime.hpp"

#include "deadlock.hpp"
#include "log.hpp"
#include "runtime_impl.hpp"

namespace canopy {

namespace {
Config finish(Config cfg) {
  cfg = apply_env(std::move(cfg));
  rt::set_log_level(cfg.log_level);
  return cfg;
}
}  // namespace

Runtime::Runtime() : Runtime(Config{}) {}

Runtime::Runtime(int& argc, char** argv, Config cfg) : Runtime(apply_flags(apply_env(std::move(cfg)), argc, argv)) {}

Runtime::Runtime(Config cfg) : impl_(std::make_unique<Impl>()) {
  impl_->config = finish(std::move(cfg));
  sched::SchedulerOptions opts;
  opts.workers = impl_->config.workers;
  opts.stack_size = impl_->config.stack_size;
  opts.pin = impl_->config.pin_workers;
  opts.topology = impl_->config.topology;
  opts.rank = impl_->rank;
  opts.runtime = impl_.get();
  opts.on_deadlock = &rt::on_deadlock;
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

void Runtime::run_root(detail::Frame* root) { impl_->scheduler->submit(root, 0); }

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
