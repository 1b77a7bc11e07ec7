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
  rt::log(rt::Subsystem::runtime)
      .info("runtime up: {} workers on {} socket(s), topology {}", impl_->scheduler->workers(),
            impl_->scheduler->sockets(), impl_->scheduler->topology().source());
}

Runtime::~Runtime() = default;

void Runtime::run_root(detail::Frame* root) { impl_->scheduler->submit(root, 0); }

int Runtime::rank() const { return impl_->rank; }
int Runtime::ranks() const { return impl_->ranks; }
int Runtime::workers() const { return impl_->scheduler->workers(); }
const Config& Runtime::config() const { return impl_->config; }

}  // namespace canopy
