// The worker loop: run resumed fibers first, then own tasks (LIFO), then submitted and stolen ones
// (own socket first, other sockets less often), then spin briefly and sleep.
#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <thread>

#include "worker.hpp"

// Initial-exec: the inline get() path reads it through the GOT without a __tls_get_addr call.
thread_local canopy::detail::WorkerHot* canopy_tls_worker = nullptr;

namespace canopy::detail {
__attribute__((noinline)) WorkerHot* current_worker_hot() {
  asm volatile("" ::: "memory");
  return canopy_tls_worker;
}
}  // namespace canopy::detail

namespace canopy::sched {

namespace {
thread_local Worker* tls_worker __attribute__((tls_model("initial-exec"))) = nullptr;

constexpr int kSpinRounds = 64;        // steal rounds before a worker sleeps
constexpr int kCrossSocketEvery = 8;   // one round in eight also looks at other sockets
constexpr int kFirstSleepUs = 1000;    // sleeps start short and double: a lost wake-up costs little
constexpr int kLongestSleepUs = 10000;
constexpr int kDrowsySleeps = 100;      // after about a second idle, sleep longer still
constexpr int kDrowsySleepUs = 200000;
constexpr int kLosslessSleepUs = 200000;  // with lossless wake-ups a timeout is only a safety net
// While the rank waits for other ranks (external completions outstanding), an idle worker keeps
// polling the transport this long before it sleeps: an answer it picks up itself needs no wake-up.
constexpr auto kRemoteSpin = std::chrono::microseconds(200);

constexpr int kFiberCache = 16;         // idle fibers a worker keeps; the rest go back to the OS
constexpr std::size_t kRetiredBatch = 256;  // stacks unmapped together

void recycle_fiber(Fiber* left, void*) {
  Worker* w = tls_worker;
  w->sched->drop_fiber(w, left);
}
}  // namespace

// Fibers migrate between threads: never let the compiler reuse a TLS address across a switch.
__attribute__((noinline)) Worker* Scheduler::current() {
  asm volatile("" ::: "memory");
  return tls_worker;
}
detail::WorkerHot* Scheduler::current_hot() { return detail::current_worker_hot(); }

void Scheduler::worker_main(Worker* w) {
  tls_worker = w;
  canopy_tls_worker = &w->hot;
  if (opts_.pin) topology_.bind_current_thread(w->slot);
  install_overflow_handler(opts_.on_overflow);
  adopt_thread(&w->thread_fiber);
  set_current_fiber(&w->thread_fiber);
  // Beyond the limit if need be: a worker whose thread started late still gets its loop.
  Fiber* first = take_fiber(w, false);
  if (!first) {
    std::fputs("canopy: no fiber stack for a worker's loop: the kernel refused the mapping\n", stderr);
    std::abort();
  }
  w->fiber = first;
  switch_fiber(&w->thread_fiber, first, nullptr, nullptr);
  // Back on the thread's own stack: the scheduler is stopping.
  set_current_fiber(nullptr);
  tls_worker = nullptr;
  canopy_tls_worker = nullptr;
}

Fiber* Scheduler::take_fiber(Worker* w, bool within_limit) {
  if (Fiber* f = w->free_fibers) {
    w->free_fibers = f->next_free;
    --w->free_fiber_count;
    f->parked_task = nullptr;
    return f;
  }
  if (live_fibers_.fetch_add(1, std::memory_order_relaxed) >= fiber_limit_ && within_limit) {
    live_fibers_.fetch_sub(1, std::memory_order_relaxed);
    return nullptr;
  }
  std::unique_ptr<Fiber> owned;
  try {
    owned = std::make_unique<Fiber>();
    owned->stack = Stack(opts_.stack_size);
  } catch (const std::bad_alloc&) {
    live_fibers_.fetch_sub(1, std::memory_order_relaxed);
    return nullptr;
  }
  make_fiber(owned.get(), &Scheduler::loop_entry);
  Fiber* f = owned.release();
  std::lock_guard<std::mutex> lk(fibers_mutex_);
  f->all_next = all_fibers_;
  if (all_fibers_) all_fibers_->all_prev = f;
  all_fibers_ = f;
  return f;
}

void Scheduler::drop_fiber(Worker* w, Fiber* f) {
  if (w->free_fiber_count < kFiberCache) {
    f->next_free = w->free_fibers;
    w->free_fibers = f;
    ++w->free_fiber_count;
    return;
  }
  std::vector<Stack> batch;
  {
    std::lock_guard<std::mutex> lk(fibers_mutex_);
    if (f->all_prev) f->all_prev->all_next = f->all_next;
    else all_fibers_ = f->all_next;
    if (f->all_next) f->all_next->all_prev = f->all_prev;
    retired_stacks_.push_back(std::move(f->stack));
    if (retired_stacks_.size() >= kRetiredBatch) batch.swap(retired_stacks_);
  }
  delete f;
  live_fibers_.fetch_sub(1, std::memory_order_relaxed);
  Stack::release_all(batch);
}

Fiber* Scheduler::take_ready(Worker* w) {
  // A parked task resumes on the socket it parked on: its data and a placed task's promise are there.
  Domain& d = *domains_[static_cast<size_t>(w->socket)];
  if (d.ready_count.load(std::memory_order_relaxed) == 0) return nullptr;
  std::lock_guard<std::mutex> lk(d.mutex);
  if (d.ready.empty()) return nullptr;
  Fiber* f = d.ready.front();
  d.ready.pop_front();
  d.ready_count.fetch_sub(1, std::memory_order_relaxed);
  return f;
}

detail::Task* Scheduler::find_work(Worker* w, bool cross_socket) {
  const int n = sockets();
  for (int k = 0; k < (cross_socket ? n : 1); ++k) {
    Domain& d = *domains_[static_cast<size_t>((w->socket + k) % n)];
    // Submitted tasks were placed on this socket (on_socket, the root): only its workers take them.
    if (k == 0 && d.submitted_count.load(std::memory_order_relaxed) > 0) {
      std::lock_guard<std::mutex> lk(d.mutex);
      if (!d.submitted.empty()) {
        detail::Task* t = d.submitted.front();
        d.submitted.pop_front();
        d.submitted_count.fetch_sub(1, std::memory_order_relaxed);
        return t;
      }
    }
    const size_t m = d.workers.size();
    if (m == 0) continue;
    // Own socket: try every worker once. Other sockets: one random victim each (stealing there
    // costs cross-socket traffic, so it is tried less, and only in some rounds).
    const size_t tries = k == 0 ? m : 1;
    size_t start = w->next_random() % m;
    for (size_t i = 0; i < tries; ++i) {
      Worker* v = d.workers[(start + i) % m];
      if (v == w) continue;
      detail::Task* t = nullptr;
      auto r = v->hot.deque.steal(t);
      if (r == detail::WsDeque::Steal::lost_race) r = v->hot.deque.steal(t);
      if (r == detail::WsDeque::Steal::success) {
        w->count(k == 0 ? w->steals_local : w->steals_remote);
        // The victim may hold more: make sure another sleeper comes to help.
        if (v->hot.deque.size_hint() > 0 && w->hot.sleepers_waiting.load(std::memory_order_relaxed)) wake_one(w->socket);
        return t;
      }
    }
  }
  return nullptr;
}

void Scheduler::loop_entry() {
  for (;;) {
    Worker* w = current();
    Scheduler* s = w->sched;
    if (s->stopping()) {
      Fiber* f = w->fiber;
      w->fiber = &w->thread_fiber;
      switch_fiber(f, &w->thread_fiber, nullptr, nullptr);  // never comes back
    }
    if (Fiber* ready = s->take_ready(w)) {
      s->run_ready(w, ready);
      continue;
    }
    detail::Task* t = w->hot.deque.pop();
    if (!t) t = s->find_work(w, false);
    if (t) {
      w->count(w->executed);
      t->execute();
      continue;
    }
    s->idle(w);
  }
}

void Scheduler::idle(Worker* w) {
  const auto idle_since = std::chrono::steady_clock::now();
  for (int round = 0; round < kSpinRounds; ++round) {
    bool cross = round % kCrossSocketEvery == kCrossSocketEvery - 1;
    if (stopping()) return;
    if (domains_[static_cast<size_t>(w->socket)]->ready_count.load(std::memory_order_relaxed) > 0) return;
    if (detail::Task* t = find_work(w, cross)) {
      w->count(w->executed);
      t->execute();
      return;
    }
    if (opts_.idle_poll) {
      // Messages handled here may have resumed a fiber or put a task on this worker's deque: back to
      // the loop, which looks there first. While answers from other ranks are due, keep polling a while
      // longer than the steal rounds alone.
      if (opts_.idle_poll()) return;
      if (round == kSpinRounds - 1 && external_.load(std::memory_order_relaxed) > 0 &&
          std::chrono::steady_clock::now() - idle_since < kRemoteSpin)
        round = kSpinRounds - 2;
    }
    for (int i = 0; i < (round < 16 ? 16 : 128); ++i) _mm_pause();
  }
  int timeout = lossless_wake_ ? kLosslessSleepUs : kFirstSleepUs;
  for (int sleeps = 1; !stopping(); ++sleeps) {
    if (sleep(w, timeout)) return;
    if (work_visible(w)) return;
    if (!lossless_wake_) timeout = sleeps < kDrowsySleeps ? std::min(timeout * 2, kLongestSleepUs) : kDrowsySleepUs;
  }
}

bool Scheduler::help() {
  Worker* w = current();
  Scheduler* s = w->sched;
  detail::Task* t = w->hot.deque.pop();
  if (!t) t = s->find_work(w, true);
  if (!t) {
    std::this_thread::sleep_for(std::chrono::microseconds(100));
    return false;
  }
  w->count(w->executed);
  t->execute();
  return true;
}

void Scheduler::run_ready(Worker* w, Fiber* ready) {
  // Called at the top of the loop: this fiber's stack holds no task, so it goes back to the pool.
  Fiber* self = w->fiber;
  w->fiber = ready;
  w->hot.current = static_cast<detail::Frame*>(ready->parked_task);
  switch_fiber(self, ready, &recycle_fiber, nullptr);
}

}  // namespace canopy::sched
