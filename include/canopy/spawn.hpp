#pragma once
// The inline spawn path: build the child's frame in the worker's frame cache and push it on the deque.
#include <algorithm>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "canopy/context.hpp"
#include "canopy/detail/frame.hpp"
#include "canopy/detail/remote.hpp"
#include "canopy/future.hpp"

namespace canopy {

inline detail::Frame* Context::self() { return static_cast<detail::Frame*>(this); }
inline const detail::Frame* Context::self() const { return static_cast<const detail::Frame*>(this); }

namespace detail {
#if CANOPY_CHECKED
/// stack_capture_in is an address in the running task's stack held by a stored callable or argument
/// (a capture by reference, a pointer to a local), or nullptr.
template <class F, class... A>
const void* stack_capture_in(const F& fn, const std::tuple<A...>& args) {
  const void* found = nullptr;
  auto scan = [&found](const auto& x) {
    using X = std::remove_cvref_t<decltype(x)>;
    if constexpr (std::is_class_v<X> || std::is_pointer_v<X>)
      if (!found) found = stack_address_in(std::addressof(x), sizeof(X));
  };
  scan(fn);
  std::apply([&](const A&... a) { (scan(a), ...); }, args);
  return found;
}
#endif

/// make_child builds a child frame of `parent`, running on w, for fn(ctx, args...) without queueing it.
template <class R, class F, class... A>
__attribute__((always_inline)) inline Frame* make_child(Frame* parent, WorkerHot* w, F&& fn, A&&... args) {
  using Typed = TypedFrame<R, std::decay_t<F>, std::decay_t<A>...>;
  std::uint8_t cls;
  void* mem = w->allocate_frame(sizeof(Typed), cls);
  Typed* child = ::new (mem) Typed(std::forward<F>(fn), std::forward<A>(args)...);
  child->size_class = cls;
  parent->link_child(child);
#if CANOPY_CHECKED
  // The copies the child keeps, not the caller's objects: a std::string's short buffer points into
  // itself, which is the parent's stack only before it is moved into the frame.
  if (const void* a = stack_capture_in(child->fn, child->args)) note_stack_capture(parent, child, a);
#endif
  return child;
}


}  // namespace detail

namespace detail {
template <class X>
void collect_request(RequestInfo* out, std::size_t& k, const X& x) {
  if constexpr (is_request_v<X>) out[k++] = info_of(x);
}

/// running_worker is the worker that runs `me` on this thread; anything else (a lambda that captured
/// its parent's Context, a std::thread the task started) is refused with an Error naming both tasks.
__attribute__((always_inline)) inline WorkerHot* running_worker(Frame* me, const char* what) {
  WorkerHot* w = this_worker();
  if (!w || w->current != me) [[unlikely]] wrong_context(me, what);
  return w;
}

/// launch builds a child and queues it where `place` says: on this worker's deque, on a socket's
/// queue, or (with privileges) after the earlier siblings it conflicts with.
template <class R, class F, class... A>
__attribute__((always_inline)) inline Frame* launch(Frame* me, Placement place, F&& fn, A&&... args) {
  constexpr std::size_t kRequests = (std::size_t{is_request_v<A>} + ... + 0);
  // Read once: the child's stores may alias it as far as the compiler knows.
  WorkerHot* w = running_worker(me, "spawn");
  const bool placed = place.kind != Placement::Kind::anywhere && place.kind != Placement::Kind::here;
  if (placed) {
    check_placement(me, place);
    if (place.kind == Placement::Kind::rank && place.index != w->rank)
      return remote_launch<R>(me, place.index, std::forward<F>(fn), std::forward<A>(args)...);
  }
  if constexpr (kRequests == 0) {
    Frame* child = make_child<R>(me, w, std::forward<F>(fn), std::forward<A>(args)...);
    if (placed) spawn_placed(me, child, place);
    else w->push_task(child);
    return child;
  } else {
    RequestInfo requests[kRequests];
    std::size_t k = 0;
    (collect_request(requests, k, args), ...);
    check_requests(me, requests, kRequests, typeid(std::decay_t<F>).name(), function_address_of(fn));
    Frame* child = make_child<R>(me, w, std::forward<F>(fn), std::forward<A>(args)...);
    if (admit_child(me, child, requests, kRequests, placed && place.kind == Placement::Kind::socket ? place.index : -1)) {
      if (placed) spawn_placed(me, child, place);
      else w->push_task(child);
    }
    return child;
  }
}
}  // namespace detail

template <class F, class... A>
  requires(!detail::is_placement_v<F>)
__attribute__((always_inline)) inline Future<detail::spawn_result_t<F, A...>> Context::spawn(F&& fn, A&&... args) {
  using R = detail::spawn_result_t<F, A...>;
  if constexpr (detail::spawn_checks<F, A...>())
    return Future<R>(detail::launch<R>(self(), anywhere, std::forward<F>(fn), std::forward<A>(args)...));
  else
    return {};
}

template <class F, class... A>
Future<detail::spawn_result_t<F, A...>> Context::spawn(Placement place, F&& fn, A&&... args) {
  using R = detail::spawn_result_t<F, A...>;
  if constexpr (detail::spawn_checks<F, A...>())
    return Future<R>(detail::launch<R>(self(), place, std::forward<F>(fn), std::forward<A>(args)...));
  else
    return {};
}

template <class T, int N>
  requires(N == 1)
Region<T, 1> Context::create_region(std::size_t n) {
  return create_region<T, 1>(std::array<std::size_t, 1>{n});
}

template <class T, int N>
Region<T, N> Context::create_region(const std::array<std::size_t, N>& extent) {
  std::int64_t ext[N];
  for (int d = 0; d < N; ++d) ext[d] = static_cast<std::int64_t>(extent[static_cast<std::size_t>(d)]);
  return Region<T, N>::adopt(detail::create_region_for(self(), N, ext, sizeof(T), alignof(T), typeid(T).name()));
}

template <class F, class... A>
FutureMap<detail::index_result_t<F, A...>> Context::spawn_each(std::size_t n, F&& fn, A&&... args) {
  using R = detail::index_result_t<F, A...>;
  if constexpr (detail::spawn_checks<F, std::size_t, detail::point_arg_t<A>...>()) {
    const std::size_t pieces = std::min({static_cast<std::size_t>(-1), detail::each_size(args)...});
    if (pieces < n) detail::too_few_pieces(self(), n, pieces);
    std::vector<Future<R>> futures;
    futures.reserve(n);
    for (std::size_t i = 0; i < n; ++i) futures.push_back(spawn(fn, i, detail::point_arg(args, i)...));
    return FutureMap<R>(std::move(futures));
  } else {
    return {};
  }
}

template <class T, int N, Privilege P, class Op>
detail::access_t<T, N, P> Context::access(const Request<T, N, P, Op>& request) {
  static_assert(P != Privilege::reduce,
                "canopy: ctx.access gives read, write or read_write; fold reductions in child tasks");
  detail::RequestInfo info = detail::info_of(request);
  return detail::AccessorFactory::make<detail::access_t<T, N, P>>(request.region, detail::access_begin(self(), info));
}

inline void Context::wait_all() { detail::wait_all_children(self()); }
inline TaskInfo Context::info() const { return detail::task_info(self()); }
inline int Context::rank() const { return self()->worker->rank; }
inline int Context::ranks() const { return detail::job_ranks(self()); }

}  // namespace canopy
