#include "remote.hpp"

#include <cxxabi.h>

#include <exception>
#include <typeinfo>
#include <utility>

#include "canopy/errors.hpp"
#include "code_address.hpp"
#include "runtime/completion.hpp"
#include "runtime/join.hpp"
#include "runtime/log.hpp"
#include "runtime/runtime_impl.hpp"
#include "scheduler/scheduler.hpp"

namespace canopy::rt {

using detail::Frame;

namespace {

thread_local std::unique_ptr<comm::Transport> next_transport;

const char* sink_type_name() { return "canopy::remote_parent"; }
const void* no_function(const Frame*) { return nullptr; }
void no_op(Frame*) {}
void no_result(Frame*, void*) {}
// The parent of every task that runs here for another rank: never run, never freed before the Remote.
constexpr detail::FrameOps kSinkOps{{&detail::execute_frame}, &no_op, &no_op, &no_result, &no_result,
                                    &sink_type_name, &no_function, true};

struct SinkFrame final : Frame {
  SinkFrame() {
    task_ops = &kSinkOps;
    depth_plus_one.store(1, std::memory_order_relaxed);
    cancel.store(detail::kIsolated, std::memory_order_relaxed);  // unrelated tasks: one's failure cancels no other
  }
};

std::string failure_text(const comm::RemoteFailure& f) {
  return "canopy: task '" + std::string(f.task_name) + "' on rank " + std::to_string(f.rank) + " threw " +
         std::string(f.type) + (f.what.empty() ? std::string() : ": " + std::string(f.what));
}

}  // namespace

/// IncomingTask runs, on this rank, a task another rank spawned here, and sends back its outcome.
struct IncomingTask {
  Remote* remote;
  int origin;
  std::uint64_t task;
  const detail::RemoteTaskEntry* entry;
  const void* function;
  std::vector<std::byte> args;

  static void run(Context& ctx, IncomingTask in) {
    try {
      std::vector<std::byte> value = in.entry->run(ctx, in.function, in.args);
      in.remote->send(in.origin, comm::ResultMsg{in.task, value});
    } catch (...) {
      auto [type, what] = describe_exception(std::current_exception());
      std::string name = callable_name(in.entry->type_name(), in.function);
      in.remote->send(in.origin, comm::FailureMsg{in.task, {type, what, name, in.remote->rank()}});
    }
  }
};

/// FetchJob answers another rank's fetch of a future exported here, once that future is ready.
struct FetchJob {
  Remote* remote;
  int peer;
  std::uint64_t request;
  Frame* future;  // holds the handle the export took
  const detail::ResultCodec* codec;

  static void run(Context&, FetchJob job) {
    struct Release {
      Frame* f;
      ~Release() { release_ref(f, detail::kHandleRef); }
    } release{job.future};
    std::exception_ptr error;
    try {
      detail::future_wait(job.future);
      error = job.future->error;
      if (!error) {
        Writer out;
        job.codec->encode(job.future, out);
        job.remote->send(job.peer, comm::ResultMsg{job.request, out.bytes()});
        return;
      }
    } catch (...) {
      error = std::current_exception();
    }
    auto [type, what] = describe_exception(error);
    std::string name = task_name(job.future);
    job.remote->send(job.peer, comm::FailureMsg{job.request, {type, what, name, job.remote->rank()}});
  }
};

Remote::Remote(std::unique_ptr<comm::Transport> transport)
    : transport_(std::move(transport)), sink_(std::make_unique<SinkFrame>()) {
  rank_ = transport_->rank();
  ranks_ = transport_->size();
  failed_.resize(static_cast<std::size_t>(ranks_));
}

Remote::~Remote() {
  stop();
  delete sink_->join.load(std::memory_order_acquire);
}

void Remote::start(sched::Scheduler& scheduler) {
  scheduler_ = &scheduler;
  comm::TransportHandlers h;
  h.on_message = [this](int peer, std::span<const std::byte> bytes) { on_message(peer, bytes); };
  h.on_peer_failure = [this](int peer, const std::string& why) { on_peer_failure(peer, why); };
  transport_->start(std::move(h));
}

void Remote::close() {
  std::lock_guard<std::mutex> lock(handler_mutex_);
  closed_.store(true, std::memory_order_relaxed);
}

void Remote::stop() {
  if (stopped_) return;
  stopped_ = true;
  transport_->stop();
}

void Remote::send(int peer, const comm::Message& m) { transport_->send(peer, comm::encode(m)); }

void Remote::send_spawn(Frame* parent, Frame* child, int rank, const detail::RemoteTaskEntry* entry,
                        const void* function, std::vector<std::byte> args) {
  const std::uint64_t id = next_id();
  comm::Bytes bytes =
      comm::encode(comm::SpawnMsg{id, task_depth(parent) + 1, code_address_of(entry), code_address_of(function), args});
  if (std::string why = await_answer(id, Pending{child, rank, false}); !why.empty()) {
    child->error = std::make_exception_ptr(
        RemoteError("canopy: task '" + task_name(child) + "' cannot run on rank " + std::to_string(rank) + ": " + why));
    complete(child);
    return;
  }
  transport_->send(rank, std::move(bytes));
}

std::string Remote::await_answer(std::uint64_t id, Pending p) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string& why = failed_[static_cast<std::size_t>(p.rank)];
  if (!why.empty()) return why;
  pending_[id] = p;
  scheduler_->external_begin();  // an answer is owed from outside: idle workers are no deadlock
  return {};
}

detail::FutureRef Remote::export_future(Frame* f) {
  detail::future_retain(f);  // the export's handle, dropped once the fetch is answered
  const std::uint64_t id = next_id();
  std::lock_guard<std::mutex> lock(mutex_);
  exports_[id] = f;
  return {rank_, id};
}

Frame* Remote::import_future(detail::FutureRef ref, Frame* proxy, const detail::ResultCodec* codec) {
  auto discard_proxy = [proxy] {
    proxy->ops()->destroy(proxy);
    ::operator delete(proxy, std::align_val_t{64});
  };
  if (ref.rank == rank_) {
    // Our own future came back: the original frame, with the export's handle now this one's.
    discard_proxy();
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = exports_.find(ref.id);
    if (it == exports_.end())
      throw RemoteError("canopy: a message names future " + std::to_string(ref.id) + " of rank " +
                        std::to_string(rank_) + ", which this rank never exported or already released");
    Frame* f = it->second;
    exports_.erase(it);
    return f;
  }
  if (ref.rank < 0 || ref.rank >= ranks_) {
    discard_proxy();
    throw RemoteError("canopy: a message names a future of rank " + std::to_string(ref.rank) + " in a job of " +
                      std::to_string(ranks_) + " ranks");
  }
  // One handle for the Future being built, one for the table until the value arrives.
  proxy->refs.store(2 * detail::kHandleRef, std::memory_order_relaxed);
  const std::uint64_t request = next_id();
  if (std::string why = await_answer(request, Pending{proxy, ref.rank, true}); !why.empty()) {
    proxy->error = std::make_exception_ptr(
        RemoteError("canopy: a future of rank " + std::to_string(ref.rank) + " cannot be read: " + why));
    complete(proxy);
    release_ref(proxy, detail::kHandleRef);
    return proxy;
  }
  send(ref.rank, comm::FetchMsg{ref.id, request, code_address_of(codec)});
  return proxy;
}

void Remote::on_message(int peer, std::span<const std::byte> bytes) {
  std::lock_guard<std::mutex> handling(handler_mutex_);
  if (closed_.load(std::memory_order_relaxed)) return;
  try {
    comm::Message m = comm::decode(bytes);
    if (auto* spawn = std::get_if<comm::SpawnMsg>(&m)) {
      try {
        on_spawn(peer, *spawn);
      } catch (const std::exception& e) {  // the sender's task waits for an answer: refuse it there
        send(peer, comm::FailureMsg{spawn->task, {"canopy::RemoteError", e.what(), "?", rank_}});
        throw;
      }
    } else if (auto* result = std::get_if<comm::ResultMsg>(&m)) {
      settle(result->target, &result->value, nullptr);
    } else if (auto* failure = std::get_if<comm::FailureMsg>(&m)) {
      settle(failure->target, nullptr, std::make_exception_ptr(RemoteError(failure_text(failure->failure))));
    } else if (auto* fetch = std::get_if<comm::FetchMsg>(&m)) {
      try {
        on_fetch(peer, *fetch);
      } catch (const std::exception& e) {
        send(peer, comm::FailureMsg{fetch->request, {"canopy::RemoteError", e.what(), "fetch", rank_}});
        throw;
      }
    } else if (auto* end = std::get_if<comm::RunEndMsg>(&m)) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (end->run > runs_ended_) runs_ended_ = end->run;
      run_cv_.notify_all();
    }
  } catch (const std::exception& e) {
    log(Subsystem::comm).error("canopy: rank {} rejected a message from rank {} ({} bytes): {}", rank_, peer,
                               bytes.size(), e.what());
  }
}

void Remote::submit_detached(Frame* f, std::uint32_t depth) {
  f->size_class = detail::kHeapFrame;
  f->parent = sink_.get();  // counted in the sink's join record, which nobody waits on, then freed
  f->refs.store(detail::kJoinRef, std::memory_order_relaxed);
  f->depth_plus_one.store(depth, std::memory_order_relaxed);
  // On a worker (one that polled the transport, or sent from a task) the task goes on its own deque,
  // where it runs next without a lock or a wake-up; the progress thread queues it for the workers.
  if (detail::WorkerHot* w = sched::Scheduler::current_hot()) w->push_task(f);
  else scheduler_->submit(f, -1);
}

template <class Job>
Frame* make_job_frame(Job job) {
  using Typed = detail::TypedFrame<void, void (*)(Context&, Job), Job>;
  void* mem = ::operator new(sizeof(Typed), std::align_val_t{64});
  return ::new (mem) Typed(&Job::run, std::move(job));
}

void Remote::on_spawn(int peer, const comm::SpawnMsg& m) {
  const auto* entry = code_record<detail::RemoteTaskEntry>(m.entry);
  const void* function = m.function == comm::CodeAddress{} ? nullptr : code_pointer(m.function);
  IncomingTask in{this, peer, m.task, entry, function, std::vector<std::byte>(m.args.begin(), m.args.end())};
  // The task itself runs as the child of this stand-in, so it sits at the depth the message says.
  submit_detached(make_job_frame(std::move(in)), m.depth);
}

void Remote::on_fetch(int peer, const comm::FetchMsg& m) {
  const auto* codec = code_record<detail::ResultCodec>(m.encoder);
  Frame* f = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = exports_.find(m.future);
    if (it != exports_.end()) {
      f = it->second;
      exports_.erase(it);
    }
  }
  if (!f) {
    send(peer, comm::FailureMsg{m.request, {"canopy::RemoteError", "no such exported future", "fetch", rank_}});
    return;
  }
  submit_detached(make_job_frame(FetchJob{this, peer, m.request, f, codec}), 1);
}

void Remote::settle(std::uint64_t id, const std::span<const std::byte>* value, std::exception_ptr error) {
  Pending p;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return;  // its rank failed meanwhile and it was settled then
    p = it->second;
    pending_.erase(it);
  }
  if (value) {
    try {
      static_cast<const detail::RemoteFrameOps*>(p.frame->ops())->decode(p.frame, *value);
    } catch (const std::exception& e) {
      error = std::make_exception_ptr(RemoteError("canopy: the result of task '" + task_name(p.frame) + "' from rank " +
                                                  std::to_string(p.rank) + " could not be decoded: " + e.what()));
    }
  }
  finish(p, error);
}

void Remote::finish(const Pending& p, std::exception_ptr error) {
  if (error) p.frame->error = error;
  Frame* f = p.frame;
  complete(f);  // f may be freed from here on, unless the table holds a handle to it
  if (p.fetch) release_ref(f, detail::kHandleRef);
  scheduler_->external_end();
}

void Remote::on_peer_failure(int peer, const std::string& why) {
  std::lock_guard<std::mutex> handling(handler_mutex_);
  if (closed_.load(std::memory_order_relaxed)) return;  // this rank is shutting down: nobody waits any more
  std::vector<Pending> lost;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (peer < 0 || peer >= ranks_ || !failed_[static_cast<std::size_t>(peer)].empty()) return;
    failed_[static_cast<std::size_t>(peer)] = why.empty() ? "unreachable" : why;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.rank == peer) {
        lost.push_back(it->second);
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    run_cv_.notify_all();
  }
  log(Subsystem::comm).error("canopy: rank {} failed ({}); {} task(s) and future(s) on rank {} that rank {} waited for "
                             "get RemoteError", peer, why, lost.size(), peer, rank_);
  for (const Pending& p : lost) {
    std::string what = p.fetch ? "a future it owned" : "task '" + task_name(p.frame) + "', which ran there";
    finish(p, std::make_exception_ptr(RemoteError("canopy: rank " + std::to_string(peer) + " failed (" + why +
                                                  ") before sending the result of " + what)));
  }
}

void Remote::end_run() noexcept {
  if (rank_ != 0) return;
  std::uint64_t run;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    run = ++runs_sent_;
  }
  try {
    for (int r = 1; r < ranks_; ++r) send(r, comm::RunEndMsg{run});
  } catch (const std::exception& e) {
    log(Subsystem::comm).error("canopy: rank 0 could not end run {} on the other ranks: {}", run, e.what());
  }
}

void Remote::wait_run_end() {
  std::unique_lock<std::mutex> lock(mutex_);
  const std::uint64_t run = ++runs_started_;
  run_cv_.wait(lock, [&] { return runs_ended_ >= run || !failed_[0].empty(); });
  if (runs_ended_ < run)
    throw RemoteError("canopy: rank 0 failed (" + failed_[0] + ") before its root task finished; rank " +
                      std::to_string(rank_) + " stops");
}

void set_next_transport(std::unique_ptr<comm::Transport> t) { next_transport = std::move(t); }
std::unique_ptr<comm::Transport> take_next_transport() { return std::move(next_transport); }

std::pair<std::string, std::string> describe_exception(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return {demangle(typeid(x).name()), x.what()};
  } catch (...) {
    const std::type_info* t = abi::__cxa_current_exception_type();
    return {t ? demangle(t->name()) : std::string("unknown exception"), std::string()};
  }
}

}  // namespace canopy::rt

namespace canopy::detail {

namespace {
rt::Remote& remote_of(const Frame* f) {
  rt::Remote* r = rt::runtime_of(f->worker).remote.get();
  if (!r) throw RemoteError("canopy: task '" + rt::task_name(f) + "' sends to another rank in a one-rank job");
  return *r;
}
rt::Remote& remote_here() {
  WorkerHot* w = sched::Scheduler::current_hot();
  rt::Remote* r = w ? static_cast<Runtime::Impl*>(w->runtime)->remote.get() : nullptr;
  if (!r) throw RemoteError("canopy: a Future can cross ranks only inside a task of a job with several ranks");
  return *r;
}
}  // namespace

void send_spawn(Frame* parent, Frame* child, int rank, const RemoteTaskEntry* entry, const void* function,
                std::vector<std::byte> args) {
  remote_of(parent).send_spawn(parent, child, rank, entry, function, std::move(args));
}

void cannot_travel(const Frame* parent, int rank, const char* callable, const void* function, const char* why,
                   const char* type) {
  throw RemoteError("canopy: task '" + rt::task_name(parent) + "' spawns '" + rt::callable_name(callable, function) +
                    "' on rank " +
                    std::to_string(rank) + ", but it cannot travel there: " + why +
                    (type ? std::string(" (") + rt::demangle(type) + ")" : std::string()));
}

FutureRef export_future(Frame* f) { return remote_here().export_future(f); }

Frame* import_future(FutureRef ref, Frame* proxy, const ResultCodec* codec) {
  return remote_here().import_future(ref, proxy, codec);
}

}  // namespace canopy::detail
