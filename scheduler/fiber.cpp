#include "fiber.hpp"

#include <pthread.h>

#include <cxxabi.h>

#include <boost/context/detail/fcontext.hpp>

#if defined(__SANITIZE_ADDRESS__)
#define CANOPY_ASAN 1
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__SANITIZE_THREAD__)
#define CANOPY_TSAN 1
#include <sanitizer/tsan_interface.h>
#endif

namespace canopy::sched {

namespace ctx = boost::context::detail;

namespace {
thread_local Fiber* tls_fiber __attribute__((tls_model("initial-exec"))) = nullptr;

/// Handoff travels with a switch: who was left, and what to do about it on the other side.
struct Handoff {
  Fiber* from;
  SwitchAction action;
  void* arg;
};

void announce_switch([[maybe_unused]] void** fake_stack, [[maybe_unused]] Fiber* to) {
#if CANOPY_ASAN
  __sanitizer_start_switch_fiber(fake_stack, to->asan_bottom, to->asan_size);
#endif
#if CANOPY_TSAN
  __tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
}

void arrive([[maybe_unused]] void* fake_stack, ctx::transfer_t t) {
#if CANOPY_ASAN
  __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
  auto* h = static_cast<Handoff*>(t.data);
  h->from->context = t.fctx;
  if (h->action) h->action(h->from, h->arg);
}

// The layout of __cxa_eh_globals in libsupc++ and libc++ alike; the ARM EH ABI adds a member.
#if defined(__ARM_EABI_UNWINDER__)
#error "ExceptionState does not model the ARM EH ABI's __cxa_eh_globals"
#endif

// Out of line: __cxa_get_globals is declared const, and a cached result would be another thread's
// record once the fiber has moved.
__attribute__((noinline)) void swap_exception_state(Fiber* from, Fiber* to) {
  auto* live = reinterpret_cast<ExceptionState*>(abi::__cxa_get_globals());
  from->eh = *live;
  *live = to->eh;
}

void fiber_start(ctx::transfer_t t) {
  FiberEntry entry = tls_fiber->entry;  // the switcher set tls_fiber to us before jumping
  arrive(nullptr, t);
  entry();
  __builtin_trap();  // an entry never returns: the worker loop leaves for good at shutdown
}
}  // namespace

Fiber::~Fiber() {
#if CANOPY_TSAN
  if (owns_tsan_fiber && tsan_fiber) __tsan_destroy_fiber(tsan_fiber);
#endif
}

void make_fiber(Fiber* f, FiberEntry entry) {
  f->entry = entry;
  f->context = ctx::make_fcontext(f->stack.top(), f->stack.size(), &fiber_start);
  f->asan_bottom = f->stack.bottom();
  f->asan_size = f->stack.size();
#if CANOPY_TSAN
  f->tsan_fiber = __tsan_create_fiber(0);
  f->owns_tsan_fiber = true;
#endif
}

void adopt_thread(Fiber* f) {
#if CANOPY_TSAN
  f->tsan_fiber = __tsan_get_current_fiber();
#endif
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void* addr = nullptr;
    size_t size = 0;
    pthread_attr_getstack(&attr, &addr, &size);
    f->asan_bottom = addr;
    f->asan_size = size;
    pthread_attr_destroy(&attr);
  }
}

void switch_fiber(Fiber* from, Fiber* to, SwitchAction action, void* arg) {
  Handoff h{from, action, arg};
  void* fake_stack = nullptr;
  swap_exception_state(from, to);
  tls_fiber = to;
  announce_switch(&fake_stack, to);
  ctx::transfer_t t = ctx::jump_fcontext(to->context, &h);
  // Back on `from`, perhaps on another thread; whoever resumed us has set tls_fiber already.
  arrive(fake_stack, t);
}

Fiber* current_fiber() { return tls_fiber; }
void set_current_fiber(Fiber* f) { tls_fiber = f; }

}  // namespace canopy::sched
