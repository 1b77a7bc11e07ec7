#pragma once
// Fiber: a stack plus a saved machine context. The only file that includes Boost.Context is fiber.cpp.
// Every switch is announced to AddressSanitizer and ThreadSanitizer so that both see through it.
#include "stack.hpp"

namespace canopy::sched {

struct Fiber;

/// ExceptionState mirrors the C++ runtime's per-thread exception record (__cxa_eh_globals: the stack of
/// caught exceptions and the uncaught count). A task may park inside a catch block or during unwinding
/// and resume on another thread, so the record belongs to the fiber and travels with it.
struct ExceptionState {
  void* caught = nullptr;
  unsigned int uncaught = 0;
};

/// SwitchAction runs on the destination fiber right after a switch, with the fiber that was left.
using SwitchAction = void (*)(Fiber* left, void* arg);

/// Fiber is one execution stack; a fiber of the pool always runs the worker loop at its base.
struct Fiber {
  void* context = nullptr;   // Boost.Context fcontext_t of the suspended fiber
  Stack stack;               // empty for a thread's own stack
  Fiber* next_free = nullptr;
  Fiber* all_prev = nullptr;    // the scheduler's list of every fiber alive
  Fiber* all_next = nullptr;
  void* parked_task = nullptr;  // innermost task running on this fiber when it parked
  void (*entry)() = nullptr;    // what a fresh fiber runs on its first switch
  int home_socket = 0;
  void* tsan_fiber = nullptr;
  const void* asan_bottom = nullptr;
  unsigned long asan_size = 0;
  bool owns_tsan_fiber = false;
  ExceptionState eh;           // this fiber's exception record while it is not running

  Fiber() = default;
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;
  ~Fiber();
};

/// FiberEntry is the function a new fiber runs after its first switch; it must never return.
using FiberEntry = void (*)();

/// make_fiber prepares `f` (with its stack set) to start `entry` when first switched to.
void make_fiber(Fiber* f, FiberEntry entry);
/// adopt_thread describes the calling thread's own stack as `f`, so a fiber can switch back to it.
void adopt_thread(Fiber* f);
/// switch_fiber saves the current context in `from`, resumes `to`, and there runs action(from, arg).
/// It returns when something switches back to `from`, after running that switch's action.
void switch_fiber(Fiber* from, Fiber* to, SwitchAction action, void* arg);
/// current_fiber is the fiber running on this thread (nullptr outside the scheduler).
Fiber* current_fiber();
void set_current_fiber(Fiber* f);

}  // namespace canopy::sched
