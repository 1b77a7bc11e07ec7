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
/// index_result_t is what fn(ctx, i, args...) returns for an index launch.
template <class F, class... A>
using index_result_t = task_result_t<F, std::size_t, A...>;

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
  Future<detail::task_result_t<F, A...>> spawn(F&& fn, A&&... args);

  /// spawn(place, fn, args...) runs the child where `place` says (see canopy/placement.hpp).
  template <class F, class... A>
  Future<detail::task_result_t<F, A...>> spawn(Placement place, F&& fn, A&&... args);

  /// spawn_each launches fn(ctx, i, args...) for every i in [0, n); args are copied to each child.
  template <class F, class... A>
  FutureMap<detail::index_result_t<F, A...>> spawn_each(std::size_t n, F&& fn, A&&... args);

  /// create_region makes a 1-D region of n zero-initialised elements; this task holds read-write on it.
  template <class T, int N = 1>
    requires(N == 1)
  Region<T, 1> create_region(std::size_t n);
  /// create_region<T, 2>({rows, cols}) makes a 2-D region (row-major).
  template <class T, int N>
  Region<T, N> create_region(const std::array<std::size_t, N>& extent);

  /// wait_all waits for every child spawned so far; rethrows the first child exception nobody got.
  void wait_all();

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
