#include "completion.hpp"

#include <cxxabi.h>
#include <dlfcn.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "canopy/errors.hpp"
#include "cancel.hpp"
#include "deadlock.hpp"
#include "frame_arena.hpp"
#include "join.hpp"
#include "log.hpp"
#include "scheduler/scheduler.hpp"
#include "task_deps.hpp"
#include "trace.hpp"
#include "witness.hpp"

namespace canopy::rt {

using detail::Frame;
using detail::kDone;
using detail::kPending;
using sched::Scheduler;
using sched::Waiter;

namespace {

// Runs on the fiber we switched to: link the waiter into c's list unless c finished meanwhile.
bool commit_wait(Waiter& w, void* target) {
  auto* c = static_cast<Frame*>(target);
  std::uintptr_t s = c->state.load(std::memory_order_acquire);
  do {
    if (s == kDone) return false;
    w.next = reinterpret_cast<Waiter*>(s);
  } while (!c->state.compare_exchange_weak(s, reinterpret_cast<std::uintptr_t>(&w), std::memory_order_acq_rel,
                                           std::memory_order_acquire));
  return true;
}

}  // namespace

__attribute__((always_inline)) inline void run_body_inline(Frame* f) {
  std::int64_t witness_start = CANOPY_CHECKED_BUILD ? trace_clock_ns() : 0;
  if (f->worker->trace) [[unlikely]] {
    std::int64_t start = trace_clock_ns();
    f->ops()->run(f);
    record_slice(f->worker, f, start);
  } else {
    f->ops()->run(f);
  }
  if (f->error) [[unlikely]] cancel_siblings(f);  // before its own children finish: siblings stop now
  if (f->unjoined) detail::finish_children(f);
  if (f->deps) finish_deps(f, witness_start);
}

void run_body(Frame* f) { run_body_inline(f); }

std::uint64_t task_id(const Frame* f) {
  static std::atomic<std::uint64_t> next{0};
  std::uint64_t id = f->id.load(std::memory_order_acquire);
  if (id != 0) return id;
  // Global in the job: the rank in the top 16 bits, a sequence of this process below. The rank is the
  // calling worker's (f->worker belongs to whoever runs f, and may change under us meanwhile).
  const detail::WorkerHot* caller = Scheduler::current_hot();
  const std::uint64_t rank = caller ? static_cast<std::uint64_t>(caller->rank) : 0;
  std::uint64_t fresh = (rank << 48) | (next.fetch_add(1, std::memory_order_relaxed) + 1);
  return f->id.compare_exchange_strong(id, fresh, std::memory_order_acq_rel) ? fresh : id;
}

std::uint32_t task_depth(const Frame* f) {
  // A running or waiting task's ancestors are alive (a parent outlives its children). Walk up to the
  // nearest known depth, then record it on the way down so that the next query is one load.
  std::uint32_t known = 0;  // depth of `top`, plus one; 0 above the root
  std::uint32_t steps = 0;
  const Frame* top = f;
  for (; top; top = top->parent, ++steps) {
    known = top->depth_plus_one.load(std::memory_order_relaxed);
    if (known) break;
  }
  std::uint32_t depth = known + steps;  // depth of f plus one: `known` counts top itself
  if (!top) depth = steps;              // f is `steps - 1` below the root
  std::uint32_t d = depth;
  for (const Frame* x = f; x != top; x = x->parent) x->depth_plus_one.store(d--, std::memory_order_relaxed);
  return depth - 1;
}

std::string demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(name);
}

std::string callable_name(const char* type_name, const void* fn) {
  Dl_info info{};
  if (fn && dladdr(fn, &info) && info.dli_sname) return demangle(info.dli_sname);
  return demangle(type_name);
}

std::string task_name(const Frame* f) { return callable_name(f->ops()->type_name(), f->ops()->function_address(f)); }

void complete(Frame* f) {
  // A root has no join reference: once it is published as done its frame may vanish.
  const bool child = f->parent != nullptr;
  std::uintptr_t s = f->state.exchange(kDone, std::memory_order_acq_rel);
  // Counted in the parent's join before its waiters resume: a parent woken in get() then finds it
  // among its finished children (and lifts the cancellation a failure caused once all have). The list
  // taken above is ours alone, and nothing below reads f once it is counted.
  const bool drop_join_ref = child && child_finished(f);
  for (auto* w = reinterpret_cast<Waiter*>(s); w;) {
    Waiter* next = w->next;  // read before resuming: a resumed waiter's record may vanish
    Scheduler::resume(*w);
    w = next;
  }
  if (drop_join_ref) release_ref(f, detail::kJoinRef);
}

void release_ref(Frame* f, std::uint32_t delta) { release_ref_on(Scheduler::current_hot(), f, delta); }

void release_ref_on(detail::WorkerHot* w, Frame* f, std::uint32_t delta) {
  // Holding every remaining reference ourselves means nobody else can touch the count: no RMW needed.
  if (f->refs.load(std::memory_order_acquire) == delta || f->refs.fetch_sub(delta, std::memory_order_acq_rel) == delta)
    free_frame_on(w, f);
}

detail::WorkerHot* run_child_inline_on(detail::WorkerHot* w, Frame* me, Frame* child) {
  child->worker = w;
  w->current = child;
  run_body_inline(child);
  return detail::hand_back(me, child);
}

bool run_tail_child(detail::WorkerHot* w, Frame* me, const Frame* also) {
  detail::Task* t = w->deque.pop();
  if (!t) return false;
  auto* x = static_cast<Frame*>(t);
  if (x != also && x->parent != me) {
    w->push_task(t);  // an ancestor's task: it stays for the worker loop (and sleepers may take it)
    return false;
  }
  w = run_child_inline_on(w, me, x);  // it may have parked and brought us back on another worker
  // Our own child, which succeeded, with one handle and nobody waiting: joined here, with no count in
  // the join record (waiting with futures kept in a vector runs every child through this path).
  std::uintptr_t pending = kPending;
  if (x->parent == me && !x->error && x->refs.load(std::memory_order_acquire) == detail::kHandleRef + detail::kJoinRef &&
      x->state.compare_exchange_strong(pending, kDone, std::memory_order_acq_rel)) {
    --me->unjoined;
    release_ref_on(w, x, detail::kJoinRef);
  } else {
    complete(x);
  }
  return true;
}

void wait_done(Frame* me, Frame* c) {
  while (c->state.load(std::memory_order_acquire) != kDone) {
    detail::WorkerHot* w = me ? Scheduler::current_hot() : nullptr;
    if (!w) {
      Waiter waiter;
      waiter.target = c;
      Scheduler::block_thread(waiter, &commit_wait, c);
      continue;
    }
    if (run_tail_child(w, me, c)) continue;
    Waiter waiter;
    waiter.task = me;
    waiter.target = c;
    if (!Scheduler::park(waiter, &commit_wait, c)) no_fiber_to_wait(me, c);
    me->worker = Scheduler::current_hot();
    if (waiter.deadlocked) throw DeadlockError(deadlock_report());
  }
}

}  // namespace canopy::rt

namespace canopy::detail {

using rt::complete;

void execute_frame(Task* t) {
  auto* f = static_cast<Frame*>(t);
  WorkerHot* w = sched::Scheduler::current_hot();
  f->worker = w;
  w->current = f;
  rt::run_body(f);
  sched::Scheduler::current_hot()->current = nullptr;  // back at the loop, perhaps on another worker
  complete(f);
}

void future_get(Frame* c, void* out) {
  WorkerHot* w = sched::Scheduler::current_hot();
  Frame* me = w ? w->current : nullptr;
  std::uint32_t mine = kHandleRef;  // the references this get drops
  if (c->state.load(std::memory_order_acquire) != kDone) {
    if (w && me && c->parent == me && w->deque.pop_if(c)) {
      // Our own child, not stolen: run it here. When our handle and its join reference are all there
      // is, nobody else can be waiting: it is joined here and never published as done.
      w = rt::run_child_inline_on(w, me, c);
      if (c->refs.load(std::memory_order_relaxed) == kHandleRef + kJoinRef) {
        --me->unjoined;  // nobody else refers to it: joined here, as in the inline get
        mine += kJoinRef;
      } else {
        complete(c);
      }
    } else {
      try {
        rt::wait_done(me, c);
      } catch (...) {
        rt::release_ref(c, kHandleRef);  // the handle is spent; c still completes and is counted
        throw;
      }
      w = sched::Scheduler::current_hot();
    }
  }
  if (c->deps && me) rt::adopt_created(me, c);  // the regions it returns are now the receiver's
  if (c->error) {
    c->error_observed.store(true, std::memory_order_release);
    std::exception_ptr e = c->error;
    if (me && c->parent == me) rt::failure_observed(me);
    rt::release_ref_on(w, c, mine);
    std::rethrow_exception(e);
  }
  if (out) {
    const bool sole_handle = (c->refs.load(std::memory_order_acquire) >> 1) == 1;
    if (c->ops()->copyable_result) {
      if (sole_handle) c->ops()->take_result(c, out);
      else c->ops()->copy_result(c, out);
    } else if (!c->result_moved.exchange(true, std::memory_order_acq_rel)) {
      c->ops()->take_result(c, out);  // a move-only result goes to the first of several handles
    } else {
      std::string name = rt::task_name(c);  // before the release: it may free the frame
      rt::release_ref_on(w, c, mine);
      throw Error("canopy: Future::get: the move-only result of task '" + name +
                  "' was already taken through another handle to it");
    }
  }
  rt::release_ref_on(w, c, mine);
}

void finish_children(Frame* c) {
  // Before the join, which finishes them all; called where the body was, so our frame marks its end.
  const std::string dangling = rt::dangling_captures(c, __builtin_frame_address(0));
  std::exception_ptr child_error = rt::join_children(c);
  if (!dangling.empty()) {
    rt::log(rt::Subsystem::sched).error("{}", dangling);
    const std::exception_ptr e = std::make_exception_ptr(Error(dangling));
    child_error = child_error ? rt::combine_errors({e, child_error}) : e;
  }
  if (!child_error) return;
  // The task's own exception comes first, its children's nested in it; a Cancelled that escaped the
  // body (a get() on a cancelled sibling) gives way to the real error.
  if (!c->error || rt::is_cancelled_error(c)) c->error = child_error;
  else c->error = rt::combine_errors({c->error, child_error});
  rt::cancel_siblings(c);
}

void finish_inline_deps(Frame* c) {
  rt::adopt_created(c->parent, c);  // the regions it returns are now its parent's
  // The inline get reads no clock when the body starts: the witness record covers the end only.
  rt::finish_deps(c, rt::trace_clock_ns());
  delete std::exchange(c->deps, nullptr);
}

void rethrow_inline_child_error(WorkerHot* w, Frame* c) {
  c->error_observed.store(true, std::memory_order_relaxed);
  std::exception_ptr e = c->error;
  rt::failure_observed(c->parent);
  rt::release_ref_on(w, c, kHandleRef + kJoinRef);
  std::rethrow_exception(e);
}

void inline_child_threw(Frame* c) {
  rt::cancel_siblings(c);
  if (c->unjoined) finish_children(c);  // c's own exception stays its error
  rethrow_inline_child_error(back_to_parent(c->parent, c), c);
}

void future_wait(Frame* c) {
  WorkerHot* w = sched::Scheduler::current_hot();
  rt::wait_done(w ? w->current : nullptr, c);
}

void future_release(Frame* f) { rt::release_ref(f, kHandleRef); }
void future_retain(Frame* f) { f->refs.fetch_add(kHandleRef, std::memory_order_relaxed); }

void wait_all_children(Frame* parent) {
  const WorkerHot* w = sched::Scheduler::current_hot();
  if (!w || w->current != parent) wrong_context(parent, "wait_all");
  if (std::exception_ptr e = rt::join_children(parent)) std::rethrow_exception(e);
}

}  // namespace canopy::detail
