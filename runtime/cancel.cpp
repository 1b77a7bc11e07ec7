#include "cancel.hpp"

#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <typeinfo>

#include "canopy/errors.hpp"
#include "completion.hpp"
#include "join.hpp"
#include "log.hpp"

namespace canopy::rt {

using detail::Frame;

namespace {

/// nest_as makes `outer`, when its exception is exactly a T, into a T with `inner` nested in it.
template <class T>
bool nest_as(const std::exception_ptr& outer, const std::exception_ptr& inner, std::exception_ptr& out) {
  std::optional<T> copy;
  try {
    std::rethrow_exception(outer);
  } catch (const T& e) {
    if (typeid(e) == typeid(T)) copy.emplace(e);
  } catch (...) {
  }
  if (!copy) return false;
  try {
    std::rethrow_exception(inner);
  } catch (...) {
    try {
      std::throw_with_nested(std::move(*copy));  // nested_exception takes the exception being handled
    } catch (...) {
      out = std::current_exception();
    }
  }
  return true;
}

/// nest puts `inner` in `outer` when outer's type is one the runtime can copy as itself (canopy's
/// errors and the standard library's); otherwise outer stays as it is and inner is logged.
std::exception_ptr nest(const std::exception_ptr& outer, const std::exception_ptr& inner) {
  std::exception_ptr out;
  if (nest_as<Error>(outer, inner, out) || nest_as<PrivilegeError>(outer, inner, out) ||
      nest_as<NoDeviceError>(outer, inner, out) || nest_as<RemoteError>(outer, inner, out) ||
      nest_as<DeadlockError>(outer, inner, out) || nest_as<std::runtime_error>(outer, inner, out) ||
      nest_as<std::logic_error>(outer, inner, out) || nest_as<std::invalid_argument>(outer, inner, out) ||
      nest_as<std::domain_error>(outer, inner, out) || nest_as<std::length_error>(outer, inner, out) ||
      nest_as<std::out_of_range>(outer, inner, out) || nest_as<std::range_error>(outer, inner, out) ||
      nest_as<std::overflow_error>(outer, inner, out) || nest_as<std::underflow_error>(outer, inner, out) ||
      nest_as<std::bad_alloc>(outer, inner, out) || nest_as<std::exception>(outer, inner, out))
    return out;
  std::string what = "an exception that is not a std::exception";
  try {
    std::rethrow_exception(inner);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  log(Subsystem::runtime)
      .warn("canopy: a second exception of the same children cannot be nested in the first (a type the runtime "
            "cannot copy as itself) and is dropped: {}",
            what);
  return outer;
}

}  // namespace

bool is_cancelled_error(const Frame* f) {
  if (!f->error) return false;
  if (f->cancel.load(std::memory_order_relaxed) & detail::kNotRun) return true;
  try {
    std::rethrow_exception(f->error);
  } catch (const Cancelled&) {
    return true;
  } catch (...) {
  }
  return false;
}

void cancel_siblings(Frame* f) {
  Frame* p = f->parent;
  if (!p || !f->error) return;
  if (p->cancel.load(std::memory_order_relaxed) & (detail::kChildrenCancelled | detail::kIsolated)) return;
  if (is_cancelled_error(f)) return;
  p->cancel.fetch_or(detail::kChildrenCancelled, std::memory_order_release);
}

void failure_observed(Frame* me) {
  const std::uint8_t bits = me->cancel.load(std::memory_order_relaxed);
  if (!(bits & detail::kChildrenCancelled) || (bits & detail::kCancelled)) return;
  // Children spawned until now that have not started stay cancelled (the count); later ones run (the
  // bit). The count is published before the bit clears: a child that sees the bit clear sees the count.
  me->observed_failures.fetch_add(1, std::memory_order_relaxed);
  me->cancel.fetch_or(detail::kFailureObserved, std::memory_order_release);  // children now compare counts
  me->cancel.fetch_and(static_cast<std::uint8_t>(~detail::kChildrenCancelled), std::memory_order_release);
}

std::exception_ptr combine_errors(const std::vector<std::exception_ptr>& errors) {
  if (errors.empty()) return nullptr;
  std::exception_ptr acc = errors.back();
  for (std::size_t i = errors.size() - 1; i-- > 0;) acc = nest(errors[i], acc);
  return acc;
}

}  // namespace canopy::rt

namespace canopy::detail {

void not_run(Frame* f) {
  f->cancel.fetch_or(kNotRun, std::memory_order_relaxed);
  f->error = std::make_exception_ptr(
      Cancelled("canopy: task '" + rt::task_name(f) +
                "' was cancelled before it started (a sibling failed, or Future::cancel was called)"));
}

bool task_cancelled(const Frame* f) {
  if (f->cancel.load(std::memory_order_acquire) & (kCancelled | kTold)) return true;
  for (const Frame* x = f; x->parent;) {
    const Frame* p = x->parent;
    const std::uint8_t bits = p->cancel.load(std::memory_order_acquire);
    if (bits & kIsolated) return false;  // the stand-in parent of tasks run for another rank
    // A sibling's failure the parent has observed since x was spawned counts too.
    const bool observed_since = (bits & kFailureObserved) &&
                                p->observed_failures.load(std::memory_order_relaxed) != x->observed_at_spawn;
    if ((bits & (kCancelled | kChildrenCancelled | kTold)) || observed_since) {
      const_cast<Frame*>(f)->cancel.fetch_or(kTold, std::memory_order_relaxed);  // a cache: it stays true
      return true;
    }
    x = p;
  }
  return false;
}

}  // namespace canopy::detail
