#pragma once
// Context: what a running task sees. Spawns children, waits for them, tells where the task runs.
#include <cstddef>
#include <array>
#include <functional>
#include <type_traits>

#include "canopy/accessor.hpp"
#include "canopy/info.hpp"
#include "canopy/placement.hpp"

namespace canopy {

class Context;
template <class R>
class Future;
template <class R>
class FutureMap;

namespace detail {
struct Frame;

/// task_result_t is what fn(ctx, args...) returns when a task runs it with its stored arguments.
template <class F, class... A>
using task_result_t = std::invoke_result_t<std::decay_t<F>&, Context&, task_arg_t<std::decay_t<A>>...>;

/// NotCallable stands for the result of a spawn that does not compile, so that one static_assert
/// explains why instead of pages of invoke_result errors.
struct NotCallable {};
template <class F, class... A>
inline constexpr bool task_callable_v = std::is_invocable_v<std::decay_t<F>&, Context&, task_arg_t<std::decay_t<A>>...>;
template <class F, class... A>
struct spawn_result {
  using type = NotCallable;
};
template <class F, class... A>
  requires task_callable_v<F, A...>
struct spawn_result<F, A...> {
  using type = task_result_t<F, A...>;
};
/// spawn_result_t is task_result_t, or NotCallable when fn cannot be called so.
template <class F, class... A>
using spawn_result_t = typename spawn_result<F, A...>::type;
/// index_result_t is what fn(ctx, i, args...) returns for point i of an index launch.
template <class F, class... A>
using index_result_t = spawn_result_t<F, std::size_t, point_arg_t<A>...>;

/// spawn_checks explains, at compile time, the ways a spawn's arguments can be wrong; true when none is.
template <class F, class... A>
consteval bool spawn_checks() {
  static_assert(!(is_accessor_v<A> || ...),
                "canopy::spawn: an accessor passed as a plain argument would bypass privileges and ordering; "
                "pass a request on it instead: canopy::read(acc), canopy::write(acc), canopy::read_write(acc) or "
                "canopy::reduce<Op>(acc)");
  static_assert(task_callable_v<F, A...>,
                "canopy::spawn: fn cannot be called as fn(canopy::Context&, args...) where each privilege request "
                "arrives as its accessor by value (canopy::Read<T>, Write<T>, ReadWrite<T>, Reduce<T, Op>): take "
                "accessors by value or const&, never as Read<T>&, and check the other arguments' types");
  return task_callable_v<F, A...>;
}

/// access_t is the accessor ctx.access returns for privilege P.
template <class T, int N, Privilege P>
struct access_type {
  using type = Read<T, N>;
};
template <class T, int N>
struct access_type<T, N, Privilege::write> {
  using type = Write<T, N>;
};
template <class T, int N>
struct access_type<T, N, Privilege::read_write> {
  using type = ReadWrite<T, N>;
};
template <class T, int N, Privilege P>
using access_t = typename access_type<T, N, P>::type;

template <class T>
inline constexpr bool is_placement_v = std::is_same_v<std::decay_t<T>, Placement>;
}  // namespace detail

/// Context is the running task's handle to the runtime; a task gets it as its first parameter.
class Context {
 public:
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  /// spawn runs fn(ctx, args...) as a child task on any worker; the future carries its result.
  template <class F, class... A>
    requires(!detail::is_placement_v<F>)
  Future<detail::spawn_result_t<F, A...>> spawn(F&& fn, A&&... args);

  /// spawn(place, fn, args...) runs the child where `place` says (see canopy/placement.hpp).
  template <class F, class... A>
  Future<detail::spawn_result_t<F, A...>> spawn(Placement place, F&& fn, A&&... args);

  /// spawn_each launches fn(ctx, i, args...) for every i in [0, n); args are copied to each child,
  /// except a request on canopy::each(partition), which gives point i the request on partition[i].
  template <class F, class... A>
  FutureMap<detail::index_result_t<F, A...>> spawn_each(std::size_t n, F&& fn, A&&... args);

  /// access(read(r)) / access(write(r)) / access(read_write(r)) gives this task an accessor to a region
  /// it holds: it waits (parks) for the earlier children whose requests conflict, and later conflicting
  /// children wait until the accessor and its copies are destroyed.
  template <class T, int N, Privilege P, class Op>
  detail::access_t<T, N, P> access(const Request<T, N, P, Op>& request);

  /// create_region makes a 1-D region of n zero-initialised elements; this task holds read-write on it.
  template <class T, int N = 1>
    requires(N == 1)
  Region<T, 1> create_region(std::size_t n);
  /// create_region<T, 2>({rows, cols}) makes a 2-D region (row-major).
  template <class T, int N>
  Region<T, N> create_region(const std::array<std::size_t, N>& extent);

  /// wait_all waits for every child spawned so far; rethrows the first child exception nobody got.
  void wait_all();

  /// cancelled says whether this task should stop early: it was cancelled (Future::cancel on it or on
  /// an ancestor), or a sibling of it or of an ancestor failed. Poll it in long loops; it never resets.
  bool cancelled() const;

  /// info tells the task's id, depth, rank, socket and worker.
  TaskInfo info() const;
  /// rank is the rank this task runs on; ranks the number of ranks in the job.
  int rank() const;
  int ranks() const;

 protected:
  Context() = default;
  ~Context() = default;

 private:
  detail::Frame* self();
  const detail::Frame* self() const;
};

}  // namespace canopy
