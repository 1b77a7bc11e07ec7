#include "canopy/runtime.hpp"

#include <string>

#include "canopy/errors.hpp"

#include "completion.hpp"
#include "deadlock.hpp"
#include "log.hpp"
#include "comm/transport.hpp"
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

namespace {
/// join_job connects this process to the other ranks of its job: a transport a test handed over, or
/// the launcher's (PMIx + UCX); nullptr when this process is the only rank.
std::unique_ptr<comm::Transport> join_job() {
  if (auto t = rt::take_next_transport()) return t;
  comm::LaunchInfo launch = comm::launch_info();
  if (!launch.launched || launch.size <= 1) return nullptr;
  try {
    return comm::open_launched_transport();
  } catch (const std::exception& e) {
    // Never run on as one of N unrelated one-rank jobs: every rank would compute the whole answer.
    throw Error(std::string("canopy: this process was launched as one of ") + std::to_string(launch.size) +
                " ranks but could not join the others: " + e.what());
  }
}
}  // namespace

Runtime::Runtime(Config cfg, std::nullptr_t) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(cfg);
  std::unique_ptr<comm::Transport> transport = join_job();
  sched::SchedulerOptions opts;
  if (transport) {
    impl_->rank = transport->rank();
    impl_->ranks = transport->size();
    opts.node_share_index = transport->local_rank();
    opts.node_share_count = transport->local_size();
    impl_->remote = std::make_unique<rt::Remote>(std::move(transport));
    opts.idle_poll = [remote = impl_->remote.get()] { return remote->poll(); };
  }
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
  if (impl_->remote) impl_->remote->start(*impl_->scheduler);
  if (!impl_->config.trace_path.empty()) {
    impl_->tracer = std::make_unique<rt::Tracer>(impl_->config.trace_path, impl_->config.workers, impl_->rank);
    for (int w = 0; w < impl_->config.workers; ++w) impl_->scheduler->set_trace_buffer(w, impl_->tracer->buffer(w));
  }
  rt::log(rt::Subsystem::runtime)
      .info("runtime up: {} workers on {} socket(s), topology {}", impl_->scheduler->workers(),
            impl_->scheduler->sockets(), impl_->scheduler->topology().source());
}

Runtime::~Runtime() {
  if (impl_->remote) impl_->remote->close();  // nothing arriving from here on reaches the scheduler
  impl_->scheduler.reset();
  if (impl_->remote) impl_->remote->stop();  // collective: every rank is done sending to the others  // joins the workers: the trace buffers are quiet from here on
  if (impl_->tracer) impl_->tracer->write();
}

void Runtime::run_root(detail::Frame* root) {
  impl_->scheduler->submit(root, impl_->scheduler->placement().front().socket);
}

bool Runtime::begin_run() {
  if (!impl_->remote || impl_->rank == 0) return true;
  impl_->remote->wait_run_end();
  return false;
}

void Runtime::end_run() noexcept {
  if (impl_->remote) impl_->remote->end_run();
}

void Runtime::no_default_result() {
  throw Error("canopy: Runtime::run on a rank other than 0 returns a default result, but the root task's result "
              "type cannot be default-constructed");
}

std::string Runtime::transport() const {
  return impl_->remote ? impl_->remote->description() : std::string("none (one rank)");
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
