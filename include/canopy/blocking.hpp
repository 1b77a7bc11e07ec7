#pragma once
// blocking(fn): a blocking call inside a task without taking a worker away from the others.
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "canopy/export.hpp"

namespace canopy {

namespace detail {
/// run_blocking runs call(arg) on a spare thread while the calling task parks (inline when the caller
/// is not a task, or when no fiber is free to park on).
CANOPY_EXPORT void run_blocking(void (*call)(void*), void* arg);
}  // namespace detail

/// blocking runs fn() on a spare thread while the calling task waits for it, parked, so that a system
/// call that blocks (file or socket I/O, a sleep, a lock held by a foreign thread) leaves the worker
/// free for other tasks. Returns fn's result or rethrows its exception. fn runs on another thread:
/// its thread_local variables are that thread's.
template <class F>
std::invoke_result_t<F&> blocking(F&& fn) {
  using R = std::invoke_result_t<F&>;
  struct Call {
    F& fn;
    std::conditional_t<std::is_void_v<R>, bool, std::optional<R>> result{};
    std::exception_ptr error;
    static void run(void* self) {
      auto* c = static_cast<Call*>(self);
      try {
        if constexpr (std::is_void_v<R>) c->fn();
        else c->result.emplace(c->fn());
      } catch (...) {
        c->error = std::current_exception();
      }
    }
  } call{fn, {}, nullptr};
  detail::run_blocking(&Call::run, &call);
  if (call.error) std::rethrow_exception(call.error);
  if constexpr (!std::is_void_v<R>) return std::move(*call.result);
}

}  // namespace canopy
