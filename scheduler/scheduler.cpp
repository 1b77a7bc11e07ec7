#include "scheduler.hpp"

#include <algorithm>
#include <fstream>
#include <thread>
#include <utility>

#include "asymmetric_fence.hpp"
#include "worker.hpp"

namespace canopy::sched {

namespace {
constexpr std::size_t kMapsForTheRest = 8192;

std::size_t read_max_map_count() {
  std::ifstream in("/proc/sys/vm/max_map_count");
  std::size_t n = 65530;  // the kernel's default, should the file be unreadable
  in >> n;
  return n;
}
}  // namespace

Scheduler::Scheduler(SchedulerOptions opts) : opts_(std::move(opts)), topology_(Topology::discover(opts_.topology)) {
  int n = opts_.workers > 0 ? opts_.workers
                            : topology_.cores_in_share(opts_.node_share_index, opts_.node_share_count);
  fiber_limit_ = std::max<std::size_t>(opts_.max_fibers, static_cast<std::size_t>(n) + 1);
  if (int per_stack = mappings_per_stack(); per_stack > 0) {
    // Leave room for everything else the process maps (libraries, heaps, thread stacks).
    std::size_t maps = read_max_map_count();
    std::size_t by_maps = maps > kMapsForTheRest ? (maps - kMapsForTheRest) / static_cast<std::size_t>(per_stack) : 1;
    if (by_maps < fiber_limit_) {
      fiber_limit_ = std::max<std::size_t>(by_maps, static_cast<std::size_t>(n) + 1);
      fiber_limit_by_maps_ = true;
    }
  }
  slots_ = topology_.place_workers(n, opts_.node_share_index, opts_.node_share_count);
  lossless_wake_ = enable_asymmetric_fence();
  for (int s = 0; s < topology_.sockets(); ++s) {
    domains_.push_back(std::make_unique<Domain>());
    domains_.back()->socket = s;
  }
  for (const WorkerSlot& slot : slots_) {
    auto w = std::make_unique<Worker>();
    w->sched = this;
    w->index = slot.worker;
    w->socket = slot.socket;
    w->slot = slot;
    w->rng = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(slot.worker + 1);
    w->hot.index = slot.worker;
    w->hot.socket = slot.socket;
    w->hot.rank = opts_.rank;
    w->hot.runtime = opts_.runtime;
    w->hot.scheduler = this;
    Domain& d = *domains_[static_cast<size_t>(slot.socket)];
    w->index_in_socket = static_cast<int>(d.workers.size());
    d.workers.push_back(w.get());
    workers_.push_back(std::move(w));
  }
  // Empty sockets (fewer workers than sockets) get no domain work; drop them from stealing.
  for (auto& w : workers_) {
    Worker* raw = w.get();
    raw->thread = std::thread([this, raw] { worker_main(raw); });
  }
}

Scheduler::~Scheduler() {
  {
    std::lock_guard<std::mutex> lk(sleep_mutex_);
    stopping_.store(true, std::memory_order_release);
    for (auto& w : workers_) {
      w->notified = true;
      w->wake_cv.notify_one();
    }
    sleeping_.clear();
  }
  for (auto& w : workers_) w->thread.join();
  for (Fiber* f = all_fibers_; f;) delete std::exchange(f, f->all_next);
  Stack::release_all(retired_stacks_);
}

int Scheduler::workers_on(int socket) const {
  return static_cast<int>(domains_.at(static_cast<size_t>(socket))->workers.size());
}

void Scheduler::submit(detail::Task* t, int socket) {
  if (socket < 0 || socket >= sockets()) socket = 0;
  Domain& d = *domains_[static_cast<size_t>(socket)];
  {
    std::lock_guard<std::mutex> lk(d.mutex);
    d.submitted.push_back(t);
    d.submitted_count.fetch_add(1, std::memory_order_release);
  }
  wake_one(socket);
}

// ---- parking -------------------------------------------------------------------------------

namespace {
struct ParkRequest {
  Waiter* waiter;
  bool (*commit)(Waiter&, void*);
  void* arg;
};

// Runs on the fiber we switched to, once the parked fiber's stack is quiet.
void commit_park(Fiber* left, void* arg) {
  auto* req = static_cast<ParkRequest*>(arg);
  Waiter& w = *req->waiter;
  (void)left;
  if (!req->commit(w, req->arg)) Scheduler::resume(w);
}
}  // namespace

bool Scheduler::park(Waiter& w, bool (*commit)(Waiter&, void*), void* arg) {
  Worker* me = current();
  Scheduler* s = me->sched;
  // The fiber that takes over first: a waiter registered and then abandoned would stay linked.
  Fiber* to = s->take_ready(me);
  if (!to) to = s->take_fiber(me);
  if (!to) return false;
  Fiber* from = me->fiber;
  from->parked_task = me->hot.current;
  from->home_socket = me->socket;
  w.fiber = from;
  w.scheduler = s;
  s->register_parked(w);
  me->count(me->parks);
  me->fiber = to;
  me->hot.current = static_cast<detail::Frame*>(to->parked_task);
  ParkRequest req{&w, commit, arg};
  switch_fiber(from, to, &commit_park, &req);
  // Resumed, perhaps on another worker, which has already restored hot.current for us.
  return true;
}

void Scheduler::block_thread(Waiter& w, bool (*commit)(Waiter&, void*), void* arg) {
  w.fiber = nullptr;
  if (!commit(w, arg)) return;
  std::unique_lock<std::mutex> lk(w.thread_mutex);
  w.thread_cv.wait(lk, [&] { return w.thread_woken; });
}

namespace {
struct BlockingSection {
  void (*call)(void*);
  void* arg;
  Waiter* waiter;
  Scheduler* scheduler;
};

void finish_blocking(void* section_waiter) {
  Waiter& w = *static_cast<Waiter*>(section_waiter);
  Scheduler* s = w.scheduler;  // read first: once resumed, the waiter may vanish
  Scheduler::resume(w);
  s->external_end();           // after the resume: until then the parked task is not a deadlock
}

// Runs on the fiber we switched to: the parked task's stack is quiet, the section may start.
bool commit_blocking(Waiter& w, void* arg) {
  auto* section = static_cast<BlockingSection*>(arg);
  section->scheduler->start_blocking(BlockingJob{section->call, section->arg, &finish_blocking, &w});
  return true;
}
}  // namespace

void Scheduler::run_blocking(void (*call)(void*), void* arg, void* task) {
  Worker* me = current();
  if (!me) return call(arg);
  Scheduler* s = me->sched;
  Waiter w;
  w.task = task;
  BlockingSection section{call, arg, &w, s};
  s->external_begin();
  if (!park(w, &commit_blocking, &section)) {
    s->external_end();
    call(arg);  // no fiber to park on: block this worker rather than fail
  }
}

void Scheduler::resume(Waiter& w) {
  if (!w.fiber) {
    std::lock_guard<std::mutex> lk(w.thread_mutex);
    w.thread_woken = true;
    w.thread_cv.notify_one();
    return;
  }
  Scheduler* s = w.scheduler;
  Fiber* f = w.fiber;
  s->unregister_parked(w);  // after this `w` may vanish as soon as its fiber runs
  s->push_ready(f, true);
}

void Scheduler::push_ready(Fiber* f, bool wake) {
  // Read once: as soon as the lock is dropped another worker may run the fiber and park it again.
  const int socket = f->home_socket;
  Domain& d = *domains_[static_cast<size_t>(socket)];
  {
    std::lock_guard<std::mutex> lk(d.mutex);
    d.ready.push_back(f);
    d.ready_count.fetch_add(1, std::memory_order_release);
  }
  if (wake) wake_one(socket);
}

void Scheduler::register_parked(Waiter& w) {
  std::lock_guard<std::mutex> lk(parked_mutex_);
  w.reg_prev = nullptr;
  w.reg_next = parked_head_;
  if (parked_head_) parked_head_->reg_prev = &w;
  parked_head_ = &w;
  parked_.fetch_add(1, std::memory_order_relaxed);
}

void Scheduler::unregister_parked(Waiter& w) {
  std::lock_guard<std::mutex> lk(parked_mutex_);
  if (w.reg_prev) w.reg_prev->reg_next = w.reg_next;
  else parked_head_ = w.reg_next;
  if (w.reg_next) w.reg_next->reg_prev = w.reg_prev;
  parked_.fetch_sub(1, std::memory_order_relaxed);
}

// ---- sleeping, waking, deadlock ----------------------------------------------------------------

void Scheduler::publish_sleepers() {
  const bool any = !sleeping_.empty();
  if (any == sleep_hints_) return;
  sleep_hints_ = any;
  for (auto& w : workers_) w->hot.sleepers_waiting.store(any, std::memory_order_relaxed);
}

void Scheduler::wake_one(int prefer_socket) {
  std::lock_guard<std::mutex> lk(sleep_mutex_);
  if (sleeping_.empty()) return;
  auto it = std::find_if(sleeping_.begin(), sleeping_.end(), [&](Worker* w) { return w->socket == prefer_socket; });
  if (it == sleeping_.end()) it = sleeping_.begin();
  Worker* w = *it;
  sleeping_.erase(it);
  publish_sleepers();
  w->notified = true;
  w->wake_cv.notify_one();
}

bool Scheduler::work_visible(const Worker* w) const {
  // Another socket's submitted tasks and resumed fibers are its workers' alone: counting them would
  // keep this worker spinning while, say, that socket's only worker blocks in a system call.
  const Domain& d = *domains_[static_cast<size_t>(w->socket)];
  if (d.submitted_count.load(std::memory_order_acquire) > 0 || d.ready_count.load(std::memory_order_acquire) > 0)
    return true;
  for (auto& w : workers_)
    if (w->hot.deque.size_hint() > 0) return true;
  return false;
}

bool Scheduler::sleep(Worker* w, int timeout_us) {
  std::unique_lock<std::mutex> lk(sleep_mutex_);
  if (stopping()) return false;
  w->notified = false;
  sleeping_.push_back(w);
  publish_sleepers();
  // The hints before the look at the deques: with the push's light fence this makes the pair lossless
  // (either the push sees a hint and wakes someone, or this look sees its task).
  heavy_fence();
  auto leave = [&] {
    if (!w->notified) {
      sleeping_.erase(std::find(sleeping_.begin(), sleeping_.end(), w));
      publish_sleepers();
    }
  };
  if (work_visible(w)) {
    leave();
    return true;
  }
  if (static_cast<int>(sleeping_.size()) == workers() && parked_.load(std::memory_order_relaxed) > 0 &&
      external_.load(std::memory_order_relaxed) == 0) {
    leave();
    detect_deadlock(lk);
    return true;
  }
  w->wake_cv.wait_for(lk, std::chrono::microseconds(timeout_us), [&] { return w->notified || stopping(); });
  leave();
  return w->notified;
}

void Scheduler::detect_deadlock(std::unique_lock<std::mutex>& held) {
  // Every other worker sleeps and this one holds the sleep lock: no task runs anywhere, so the parked
  // waiters can never be resumed by a completion. Hand them to the runtime, then resume them.
  std::vector<Waiter*> stuck;
  {
    std::lock_guard<std::mutex> lk(parked_mutex_);
    for (Waiter* w = parked_head_; w; w = w->reg_next) stuck.push_back(w);
  }
  if (stuck.empty() || !opts_.on_deadlock) return;
  for (Waiter* w : stuck) w->deadlocked = true;
  opts_.on_deadlock(stuck);
  for (Waiter* w : stuck) {
    Fiber* f = w->fiber;
    unregister_parked(*w);
    push_ready(f, false);
  }
  for (Worker* w : sleeping_) {
    w->notified = true;
    w->wake_cv.notify_one();
  }
  sleeping_.clear();
  publish_sleepers();
  (void)held;
}

void Scheduler::set_trace_buffer(int worker, void* buffer) { workers_.at(static_cast<size_t>(worker))->hot.trace = buffer; }

WorkerStats Scheduler::stats(int worker) const {
  const Worker& w = *workers_.at(static_cast<size_t>(worker));
  return WorkerStats{w.executed.load(std::memory_order_relaxed), w.steals_local.load(std::memory_order_relaxed),
                     w.steals_remote.load(std::memory_order_relaxed), w.parks.load(std::memory_order_relaxed), w.socket};
}

}  // namespace canopy::sched

namespace canopy::detail {
void wake_sleeper(WorkerHot* w) { static_cast<sched::Scheduler*>(w->scheduler)->wake_one(w->socket); }
}  // namespace canopy::detail
