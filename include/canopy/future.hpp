#pragma once
// Future<R>: the result of a spawned task. FutureMap<R>: the results of an index launch.
#include <cstddef>
#include <exception>
#include <type_traits>
#include <utility>
#include <vector>

#include "canopy/detail/frame.hpp"
#include "canopy/detail/own_child.hpp"
#include "canopy/errors.hpp"

namespace canopy {

/// Future<R> refers to a task's result; get() waits (parking the fiber, never the thread).
template <class R>
class Future {
 public:
  using value_type = R;
  Future() = default;
  Future(const Future& o) : frame_(o.frame_) {
    if (frame_) detail::future_retain(frame_);
  }
  Future(Future&& o) noexcept : frame_(std::exchange(o.frame_, nullptr)) {}
  Future& operator=(Future o) noexcept {
    std::swap(frame_, o.frame_);
    return *this;
  }
  ~Future() {
    if (frame_) detail::future_release(frame_);
  }

  /// get waits for the task and returns its result (moved when this is the only handle, else copied),
  /// or rethrows its exception. The handle is empty afterwards.
  __attribute__((always_inline)) R get() {
    // The handle is emptied before anything else, and the slow path takes the frame by value: the
    // future never has to be in memory, so a local one lives in a register.
    detail::Frame* f = std::exchange(frame_, nullptr);
    if (f) {
      if (detail::WorkerHot* w = detail::take_own_child(f)) return detail::run_own_child<R>(w, f);
    }
    return get_general(f);
  }
  /// wait waits for the task to finish without taking its result.
  void wait() const {
    if (!frame_) throw Error("canopy::Future::wait on an empty future");
    if (!ready()) detail::future_wait(frame_);
  }
  /// cancel cancels the task and its subtree: not started yet, it never runs and get() throws
  /// canopy::Cancelled; running, its ctx.cancelled() and its descendants' become true, and its children
  /// that have not started are not run. Finished, nothing changes. (A task on another rank is not told.)
  void cancel() const {
    if (!frame_) throw_empty("cancel");
    frame_->cancel.fetch_or(detail::kCancelled | detail::kChildrenCancelled, std::memory_order_release);
  }
  /// ready says whether the task has finished.
  bool ready() const { return frame_ && frame_->state.load(std::memory_order_acquire) == detail::kDone; }
  /// valid is false for a default-constructed, moved-from or already consumed future.
  bool valid() const { return frame_ != nullptr; }

 private:
  friend class Context;
  friend class Runtime;
  template <class, class>
  friend struct Serializer;
  explicit Future(detail::Frame* f) : frame_(f) {}
  // Kept out of line so that get()'s fast path stays small enough to inline.
  __attribute__((noinline)) static R get_general(detail::Frame* f) {
    if (!f) throw_empty("get");
    if constexpr (std::is_void_v<R>) {
      detail::future_get(f, nullptr);
    } else {
      alignas(R) unsigned char out[sizeof(R)];
      detail::future_get(f, out);
      R* value = std::launder(reinterpret_cast<R*>(out));
      R result(std::move(*value));
      value->~R();
      return result;
    }
  }
  [[noreturn]] static void throw_empty(const char* what) {
    throw Error(std::string("canopy::Future::") + what + " on an empty future (consumed, moved from or default-constructed)");
  }
  detail::Frame* frame_ = nullptr;
};

/// FutureMap<R> holds the futures of an index launch; fs[i] is the future of point i.
template <class R>
class FutureMap {
 public:
  FutureMap() = default;
  explicit FutureMap(std::vector<Future<R>> fs) : futures_(std::move(fs)) {}

  Future<R>& operator[](std::size_t i) { return futures_[i]; }
  const Future<R>& operator[](std::size_t i) const { return futures_[i]; }
  std::size_t size() const { return futures_.size(); }
  auto begin() { return futures_.begin(); }
  auto end() { return futures_.end(); }

  /// get waits for every point and returns their results in index order (void for void tasks). A point
  /// that throws stops it with that exception; a cancelled point is passed over so that the failure that
  /// cancelled it is the one thrown (canopy::Cancelled only when no other point failed).
  auto get() {
    std::exception_ptr cancelled;
    if constexpr (std::is_void_v<R>) {
      for (auto& f : futures_) {
        try {
          f.get();
        } catch (const Cancelled&) {
          if (!cancelled) cancelled = std::current_exception();
        }
      }
      if (cancelled) std::rethrow_exception(cancelled);
    } else {
      std::vector<R> all;
      all.reserve(futures_.size());
      for (auto& f : futures_) {
        try {
          all.push_back(f.get());
        } catch (const Cancelled&) {
          if (!cancelled) cancelled = std::current_exception();
        }
      }
      if (cancelled) std::rethrow_exception(cancelled);
      return all;
    }
  }
  /// wait waits for every point.
  void wait() const {
    for (auto& f : futures_) f.wait();
  }

 private:
  std::vector<Future<R>> futures_;
};

}  // namespace canopy
