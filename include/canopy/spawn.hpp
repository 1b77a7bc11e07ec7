#pragma once
// The inline spawn path: build the child's frame in the worker's frame cache and push it on the deque.
#include <cstddef>
#include <utility>
#include <vector>

#include "canopy/context.hpp"
#include "canopy/detail/frame.hpp"
#include "canopy/future.hpp"

namespace canopy {

inline detail::Frame* Context::self() { return static_cast<detail::Frame*>(this); }
inline const detail::Frame* Context::self() const { return static_cast<const detail::Frame*>(this); }

namespace detail {
/// make_child builds a child frame of `parent` for fn(ctx, args...) without queueing it.
template <class R, class F, class... A>
Frame* make_child(Frame* parent, F&& fn, A&&... args) {
  using Typed = TypedFrame<R, std::decay_t<F>, std::decay_t<A>...>;
  WorkerHot* w = parent->worker;
  std::uint8_t cls;
  void* mem = w->allocate_frame(sizeof(Typed), cls);
  Typed* child = ::new (mem) Typed(std::forward<F>(fn), std::forward<A>(args)...);
  child->size_class = cls;
  parent->link_child(child, w);
  return child;
}
}  // namespace detail

template <class F, class... A>
  requires(!detail::is_placement_v<F>)
Future<detail::task_result_t<F, A...>> Context::spawn(F&& fn, A&&... args) {
  using R = detail::task_result_t<F, A...>;
  detail::Frame* me = self();
  detail::Frame* child = detail::make_child<R>(me, std::forward<F>(fn), std::forward<A>(args)...);
  me->worker->push_task(child);
  return Future<R>(child);
}

template <class F, class... A>
Future<detail::task_result_t<F, A...>> Context::spawn(Placement place, F&& fn, A&&... args) {
  using R = detail::task_result_t<F, A...>;
  detail::Frame* me = self();
  if (place.kind == Placement::Kind::anywhere || place.kind == Placement::Kind::here)
    return spawn(std::forward<F>(fn), std::forward<A>(args)...);
  detail::check_placement(me, place);
  detail::Frame* child = detail::make_child<R>(me, std::forward<F>(fn), std::forward<A>(args)...);
  detail::spawn_placed(me, child, place);
  return Future<R>(child);
}

template <class F, class... A>
FutureMap<detail::index_result_t<F, A...>> Context::spawn_each(std::size_t n, F&& fn, A&&... args) {
  using R = detail::index_result_t<F, A...>;
  std::vector<Future<R>> futures;
  futures.reserve(n);
  for (std::size_t i = 0; i < n; ++i) futures.push_back(spawn(fn, i, args...));
  return FutureMap<R>(std::move(futures));
}

inline void Context::wait_all() { detail::wait_all_children(self()); }
inline TaskInfo Context::info() const { return detail::task_info(self()); }
inline int Context::rank() const { return self()->worker->rank; }
inline int Context::ranks() const { return detail::job_ranks(self()); }

}  // namespace canopy
