#pragma once
// Frame: one task's record: the erased Task the scheduler runs, the Context the task sees, the state
// its futures watch, and (in TypedFrame) the callable, its arguments and its result.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "canopy/detail/abi.hpp"
#include "canopy/context.hpp"
#include "canopy/detail/task.hpp"
#include "canopy/detail/worker_hot.hpp"
#include "canopy/export.hpp"

namespace canopy::detail {

struct TaskDeps;
struct JoinState;

/// FrameOps is the per-type table of a TypedFrame.
struct FrameOps : TaskOps {
  void (*run)(Frame*);                 // call the task body; store its result or exception
  void (*destroy)(Frame*);             // destroy the stored result
  void (*take_result)(Frame*, void*);  // move the result into uninitialised storage
  void (*copy_result)(Frame*, void*);  // copy it (for a future with other handles)
  const char* (*type_name)();          // mangled name of the callable's type, for messages
  const void* (*function_address)(const Frame*);  // the function spawned, when it is a plain function
  bool copyable_result;                // whether a shared future can copy the result
};

/// Frame state values; any other value is a pointer to the first registered Waiter.
inline constexpr std::uintptr_t kPending = 0;
inline constexpr std::uintptr_t kDone = 1;

/// refs word: bit 0 = the task has not completed yet (a failed task keeps it until its parent's join
/// has looked at the error); the rest counts Future handles.
inline constexpr std::uint32_t kJoinRef = 1;
inline constexpr std::uint32_t kHandleRef = 2;

/// Frame::cancel bits. kCancelled: the task is cancelled (Future::cancel); kChildrenCancelled: its
/// children that have not started are not run (one of them failed, or it is cancelled itself); kNotRun:
/// the task was cancelled before it started (its error is a Cancelled); kIsolated: a stand-in parent
/// whose children do not cancel one another (tasks run for another rank); kTold: ctx.cancelled() found
/// a cancelled ancestor (a cache: a running task never becomes uncancelled); kFailureObserved: the task
/// has observed a child's failure at least once (its children compare observed_failures when they start).
inline constexpr std::uint8_t kCancelled = 1;
inline constexpr std::uint8_t kChildrenCancelled = 2;
inline constexpr std::uint8_t kNotRun = 4;
inline constexpr std::uint8_t kIsolated = 8;
inline constexpr std::uint8_t kTold = 16;
inline constexpr std::uint8_t kFailureObserved = 32;


/// Frame is the base of every task record; one is allocated per spawn.
struct Frame : Task, Context {
  // Set at every spawn.
  Frame* parent = nullptr;
  mutable std::atomic<std::uint32_t> depth_plus_one{0};  // 0 until rt::task_depth computes it
  std::atomic<std::uint32_t> refs{kHandleRef + kJoinRef};
  std::uint8_t size_class = kHeapFrame;
  std::atomic<bool> error_observed{false};
  std::atomic<bool> result_moved{false};  // a move-only result went to one of several handles
  std::atomic<std::uint8_t> cancel{0};    // the k* bits above
  std::uint32_t unjoined = 0;             // children spawned and not yet joined (touched by this task only)
  // A parent that observes a child's failure (get, wait_all, its join) bumps its observed_failures
  // (and sets kFailureObserved): its children spawned before that and not started yet are not run.
  // (In the padding before `state`: the frame does not grow.)
  std::atomic<std::uint16_t> observed_failures{0};
  std::uint16_t observed_at_spawn = 0;    // the parent's observed_failures when this task was spawned
  // Zero at every spawn, kept together so that the stores merge.
  std::atomic<std::uintptr_t> state{kPending};     // kPending, kDone or a waiter list
  std::atomic<JoinState*> join{nullptr};  // counts children that completed through the runtime (made on demand)
  std::exception_ptr error;
  TaskDeps* deps = nullptr;                        // privileges, dependences, reductions (nullptr: none)
  mutable std::atomic<std::uint64_t> id{0};       // given on first use (rt::task_id): most tasks never need one
  WorkerHot* worker = nullptr;                     // where the task runs now (valid while it runs)
  // Not initialised: meaningful only while the frame is in its parent's list of failed children.
  Frame* next_failed;

  /// ops is the frame's type table (the Task's table, which starts with execute_frame).
  const FrameOps* ops() const { return static_cast<const FrameOps*>(task_ops); }

  /// link_child records `c` as a child of this running task.
  void link_child(Frame* c) {
    c->parent = this;
    c->observed_at_spawn = observed_failures.load(std::memory_order_relaxed);
    ++unjoined;
  }

  /// start_cancelled says, when the task is about to start, that it must not run: it was cancelled,
  /// its parent's children are (a sibling failed and the parent has not observed it yet), or the
  /// parent observed a failure after spawning it. Two byte loads while nothing ever failed.
  bool start_cancelled() const {
    const std::uint8_t own = cancel.load(std::memory_order_relaxed);
    const std::uint8_t up = parent ? parent->cancel.load(std::memory_order_acquire) : 0;
    if ((own | up) == 0) [[likely]] return false;
    if (up & kFailureObserved)  // the acquire above orders this count after the bit
      if (parent->observed_failures.load(std::memory_order_relaxed) != observed_at_spawn) return true;
    return ((own | up) & (kCancelled | kChildrenCancelled)) != 0;
  }
};

/// ResultSlot stores a task's result in place; empty until the body returns. A result with a
/// destructor also records whether it is there; a trivially destructible one needs no flag.
template <class R, bool = std::is_void_v<R> || std::is_trivially_destructible_v<R>>
struct ResultSlot {
  alignas(R) unsigned char bytes[sizeof(R)];
  bool has = false;
  R* ptr() { return std::launder(reinterpret_cast<R*>(bytes)); }
  template <class... X>
  void emplace(X&&... x) {
    ::new (static_cast<void*>(bytes)) R(std::forward<X>(x)...);
    has = true;
  }
  void reset() {
    if (has) ptr()->~R();
    has = false;
  }
};
template <class R>
struct ResultSlot<R, true> {
  alignas(R) unsigned char bytes[sizeof(R)];
  R* ptr() { return std::launder(reinterpret_cast<R*>(bytes)); }
  template <class... X>
  void emplace(X&&... x) {
    ::new (static_cast<void*>(bytes)) R(std::forward<X>(x)...);
  }
  void reset() {}
};
template <>
struct ResultSlot<void, true> {
  void reset() {}
};

/// ResultOps is the table of a frame whose result type is R.
template <class R>
struct ResultOps : FrameOps {
  R (*invoke)(Frame*);  // call the body and return its result; exceptions propagate
};

/// ResultFrame is a frame whose result type is known: Future<R> reaches the result without knowing
/// the callable, so the result sits before the callable and its arguments.
template <class R>
struct ResultFrame : Frame {
  ResultSlot<R> result;
};

/// TypedFrame holds a callable and its arguments (both destroyed as soon as the body returns; a
/// trivially destructible callable, such as a function pointer, stays readable for error messages).
template <class R, class F, class... A>
struct TypedFrame final : ResultFrame<R> {
  union {
    F fn;
  };
  union {
    std::tuple<A...> args;
  };

  template <class FF, class... AA>
  explicit TypedFrame(FF&& f, AA&&... a) : fn(std::forward<FF>(f)), args(std::forward<AA>(a)...) {
    this->task_ops = &kOps;
  }
  ~TypedFrame() {}

  static void run(Frame* base) {
    auto* self = static_cast<TypedFrame*>(base);
    Context& ctx = *self;
    if (self->start_cancelled()) [[unlikely]] {
      not_run(self);  // its error becomes canopy::Cancelled; the arguments are destroyed below
    } else {
      try {
        if constexpr (std::is_void_v<R>) {
          std::apply([&](A&... a) { std::invoke(self->fn, ctx, accessor_for(self, std::move(a))...); }, self->args);
        } else {
          std::apply(
              [&](A&... a) { self->result.emplace(std::invoke(self->fn, ctx, accessor_for(self, std::move(a))...)); },
              self->args);
        }
      } catch (...) {
        self->error = std::current_exception();
      }
    }
    self->args.~tuple();
    if constexpr (!std::is_trivially_destructible_v<F>) self->fn.~F();
  }
  /// invoke is run for the inline get: the result comes back in registers instead of through the frame,
  /// and a body whose arguments need no destructor is reached by a tail call.
  static R invoke(Frame* base) {
    auto* self = static_cast<TypedFrame*>(base);
    Context& ctx = *self;
    struct Cleanup {
      TypedFrame* frame;
      ~Cleanup() {
        frame->args.~tuple();
        if constexpr (!std::is_trivially_destructible_v<F>) frame->fn.~F();
      }
    } cleanup{self};
    return std::apply([&](A&... a) -> R { return std::invoke(self->fn, ctx, accessor_for(self, std::move(a))...); },
                      self->args);
  }
  static void destroy(Frame* base) {
    auto* self = static_cast<TypedFrame*>(base);
    self->result.reset();
    self->~TypedFrame();
  }
  static void take_result(Frame* base, void* out) {
    if constexpr (!std::is_void_v<R>) {
      auto* self = static_cast<TypedFrame*>(base);
      ::new (out) R(std::move(*self->result.ptr()));
    }
  }
  static void copy_result(Frame* base, void* out) {
    if constexpr (!std::is_void_v<R>) {
      if constexpr (std::is_copy_constructible_v<R>) {
        auto* self = static_cast<TypedFrame*>(base);
        ::new (out) R(*self->result.ptr());
      }
    }
  }
  static const char* type_name() { return typeid(F).name(); }
  static const void* function_address(const Frame* base) {
    if constexpr (std::is_pointer_v<F> && std::is_function_v<std::remove_pointer_t<F>>)
      return reinterpret_cast<const void*>(static_cast<const TypedFrame*>(base)->fn);
    else
      return nullptr;
  }
  static constexpr ResultOps<R> kOps{{{&execute_frame}, &run, &destroy, &take_result, &copy_result, &type_name,
                                      &function_address, std::is_void_v<R> || std::is_copy_constructible_v<R>},
                                     &invoke};
};


}  // namespace canopy::detail

namespace canopy {
inline bool Context::cancelled() const { return detail::task_cancelled(static_cast<const detail::Frame*>(this)); }
}  // namespace canopy
