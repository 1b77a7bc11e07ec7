#pragma once
// Accessors: what a task receives for each privilege request, in the same argument position, or what
// ctx.access returns. Read<T, N>, Write<T, N>, ReadWrite<T, N> index the region by global indices;
// Reduce<T, Op, N> folds into a private buffer that the runtime combines into the region when the task
// succeeds. Only the runtime makes accessors: one built by hand would bypass privileges and ordering.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "canopy/export.hpp"
#include "canopy/privilege.hpp"
#include "canopy/region.hpp"
#include "canopy/detail/reduction_buffer.hpp"

namespace canopy {

namespace detail {
struct Frame;
struct Mapping;
struct AccessorFactory;

/// mapping_retain / mapping_release count the accessors that share one ctx.access; the last release
/// ends the mapping and lets the later conflicting children run.
CANOPY_EXPORT void mapping_retain(Mapping* m);
CANOPY_EXPORT void mapping_release(Mapping* m);

/// out_of_bounds throws the checked-build error for an access outside an accessor's box.
[[noreturn]] CANOPY_EXPORT void out_of_bounds(std::uint64_t region, const char* privilege, int dims,
                                              const std::int64_t* index, const std::int64_t* lo, const std::int64_t* hi);
[[noreturn]] CANOPY_EXPORT void not_contiguous(std::uint64_t region);

/// AccessorBase holds what every accessor needs: the region, the root's base pointer and row length.
template <class T, int N>
class AccessorBase {
 public:
  /// size is the number of elements covered; bounds their box of global indices.
  std::size_t size() const { return rect_.volume(); }
  Rect<N> bounds() const { return rect_; }
  /// region is the accessed region, to partition further and pass down to children.
  const Region<T, N>& region() const { return region_; }

  AccessorBase(const AccessorBase& o)
      : region_(o.region_), base_(o.base_), stride_(o.stride_), rect_(o.rect_), mapping_(o.mapping_) {
    if (mapping_) mapping_retain(mapping_);
  }
  AccessorBase& operator=(const AccessorBase& o) {
    AccessorBase copy(o);
    swap(copy);
    return *this;
  }
  ~AccessorBase() {
    if (mapping_) mapping_release(mapping_);
  }

 protected:
  /// The accessor takes over the caller's reference to `m` (a ctx.access), or has none (a parameter).
  AccessorBase(const Region<T, N>& r, Mapping* m)
      : region_(r), base_(static_cast<T*>(storage_data(r.node()->storage))), rect_(r.bounds()), mapping_(m) {
    if constexpr (N == 2) stride_ = storage_extent(r.node()->storage, 1);
  }
  void swap(AccessorBase& o) {
    std::swap(region_, o.region_);
    std::swap(base_, o.base_);
    std::swap(stride_, o.stride_);
    std::swap(rect_, o.rect_);
    std::swap(mapping_, o.mapping_);
  }
  T* point(std::int64_t i, [[maybe_unused]] const char* priv) const {
#if CANOPY_CHECKED
    if (i < rect_.lo[0] || i >= rect_.hi[0]) out_of_bounds(region_.id(), priv, 1, &i, rect_.lo.data(), rect_.hi.data());
#endif
    return base_ + i;
  }
  T* point(std::int64_t i, std::int64_t j, [[maybe_unused]] const char* priv) const {
#if CANOPY_CHECKED
    std::int64_t idx[2] = {i, j};
    if (!(i >= rect_.lo[0] && i < rect_.hi[0] && j >= rect_.lo[1] && j < rect_.hi[1]))
      out_of_bounds(region_.id(), priv, 2, idx, rect_.lo.data(), rect_.hi.data());
#endif
    return base_ + i * stride_ + j;
  }
  /// first/last bound the covered elements in memory, which must be contiguous.
  T* first() const {
    if constexpr (N == 2)
      if (rect_.hi[0] - rect_.lo[0] > 1 && (rect_.lo[1] != 0 || rect_.hi[1] != stride_)) not_contiguous(region_.id());
    if constexpr (N == 1) return base_ + rect_.lo[0];
    else return base_ + rect_.lo[0] * stride_ + rect_.lo[1];
  }
  T* last() const { return first() + size(); }

  Region<T, N> region_;
  T* base_;
  std::int64_t stride_ = 0;
  Rect<N> rect_;
  Mapping* mapping_ = nullptr;
};

/// find_reduction returns the running task's buffer for (region, Op), or nullptr before its first fold.
CANOPY_EXPORT ReductionBufferBase* find_reduction(Frame* task, std::uint64_t region_id, const char* op);
/// attach_reduction hands a buffer to the running task; the runtime folds (or discards) and deletes it
/// when the task ends.
CANOPY_EXPORT void attach_reduction(Frame* task, ReductionBufferBase* buffer, std::uint64_t region_id, const char* op,
                                    Storage* region_storage);
}  // namespace detail

/// Read<T, N>: read-only access to a region.
template <class T, int N = 1>
class Read : public detail::AccessorBase<T, N> {
 public:
  const T& operator[](std::int64_t i) const requires(N == 1) { return *this->point(i, "read"); }
  const T& operator()(std::int64_t i, std::int64_t j) const requires(N == 2) { return *this->point(i, j, "read"); }
  const T* data() const { return this->first(); }
  const T* begin() const { return this->first(); }
  const T* end() const { return this->last(); }

 private:
  friend struct detail::AccessorFactory;
  Read(const Region<T, N>& r, detail::Mapping* m) : detail::AccessorBase<T, N>(r, m) {}
};

/// Write<T, N>: write access; the old contents are not promised to the task.
template <class T, int N = 1>
class Write : public detail::AccessorBase<T, N> {
 public:
  T& operator[](std::int64_t i) const requires(N == 1) { return *this->point(i, "write"); }
  T& operator()(std::int64_t i, std::int64_t j) const requires(N == 2) { return *this->point(i, j, "write"); }
  T* data() const { return this->first(); }
  T* begin() const { return this->first(); }
  T* end() const { return this->last(); }

 private:
  friend struct detail::AccessorFactory;
  Write(const Region<T, N>& r, detail::Mapping* m) : detail::AccessorBase<T, N>(r, m) {}
};

/// ReadWrite<T, N>: read and write access.
template <class T, int N = 1>
class ReadWrite : public detail::AccessorBase<T, N> {
 public:
  T& operator[](std::int64_t i) const requires(N == 1) { return *this->point(i, "read_write"); }
  T& operator()(std::int64_t i, std::int64_t j) const requires(N == 2) { return *this->point(i, j, "read_write"); }
  T* data() const { return this->first(); }
  T* begin() const { return this->first(); }
  T* end() const { return this->last(); }

 private:
  friend struct detail::AccessorFactory;
  ReadWrite(const Region<T, N>& r, detail::Mapping* m) : detail::AccessorBase<T, N>(r, m) {}
};

/// Reduce<T, Op, N>: fold values into a region with Op; concurrent reducers with one Op run in parallel.
/// The task's folds go to a private buffer made on its first fold (see detail::ReductionBuffer), folded
/// into the region when the task succeeds; a task that only passes the reduction on costs nothing.
template <class T, class Op, int N = 1>
class Reduce : public detail::AccessorBase<T, N> {
 public:
  /// fold combines `value` into element i (or (i, j)).
  void fold(std::int64_t i, const T& value) const requires(N == 1) {
    this->point(i, "reduce");
    detail::op_fold<Op, T>(buffer().at(static_cast<std::size_t>(i - this->rect_.lo[0])), value);
  }
  void fold(std::int64_t i, std::int64_t j, const T& value) const requires(N == 2) {
    this->point(i, j, "reduce");
    const std::int64_t width = this->rect_.hi[1] - this->rect_.lo[1];
    detail::op_fold<Op, T>(buffer().at(static_cast<std::size_t>((i - this->rect_.lo[0]) * width + (j - this->rect_.lo[1]))),
                           value);
  }
  /// operator+= folds into the single element this accessor covers.
  const Reduce& operator+=(const T& value) const {
    if (this->size() != 1) throw Error("canopy: Reduce::operator+= needs an accessor of one element, this one covers " +
                                       std::to_string(this->size()));
    detail::op_fold<Op, T>(buffer().at(0), value);
    return *this;
  }

 private:
  using Buffer = detail::ReductionBuffer<T, Op, N>;
  friend struct detail::AccessorFactory;
  Reduce(const Region<T, N>& r, detail::Frame* task) : detail::AccessorBase<T, N>(r, nullptr), task_(task) {}
  /// buffer is the task's buffer for this region and Op, shared by every copy of the accessor (and by
  /// another accessor of the same region and Op), made on the first fold.
  Buffer& buffer() const {
    if (!buffer_) [[unlikely]] {
      const char* op = typeid(Op).name();
      auto* found = detail::find_reduction(task_, this->region_.id(), op);
      if (!found) {
        detail::Storage* s = this->region_.node()->storage;
        found = new Buffer(this->rect_, this->base_, this->stride_, s);
        detail::attach_reduction(task_, found, this->region_.id(), op, s);
      }
      buffer_ = static_cast<Buffer*>(found);
    }
    return *buffer_;
  }
  detail::Frame* task_;
  mutable Buffer* buffer_ = nullptr;
};

namespace detail {
/// AccessorFactory is the one maker of accessors: task parameters (accessor_for) and ctx.access.
struct AccessorFactory {
  template <class Acc, class T, int N>
  static Acc make(const Region<T, N>& r, Mapping* m) {
    return Acc(r, m);
  }
  template <class T, int N, class Op>
  static Reduce<T, Op, N> make_reduce(const Region<T, N>& r, Frame* task) {
    return Reduce<T, Op, N>(r, task);
  }
};

/// accessor_for turns a request into the accessor the task receives; other arguments pass through.
template <class X>
X&& accessor_for(Frame*, X&& x) {
  return std::forward<X>(x);
}
template <class T, int N>
Read<T, N> accessor_for(Frame*, Request<T, N, Privilege::read>&& r) {
  return AccessorFactory::make<Read<T, N>>(r.region, nullptr);
}
template <class T, int N>
Write<T, N> accessor_for(Frame*, Request<T, N, Privilege::write>&& r) {
  return AccessorFactory::make<Write<T, N>>(r.region, nullptr);
}
template <class T, int N>
ReadWrite<T, N> accessor_for(Frame*, Request<T, N, Privilege::read_write>&& r) {
  return AccessorFactory::make<ReadWrite<T, N>>(r.region, nullptr);
}
template <class T, int N, class Op>
Reduce<T, Op, N> accessor_for(Frame* task, Request<T, N, Privilege::reduce, Op>&& r) {
  return AccessorFactory::make_reduce<T, N, Op>(r.region, task);
}
/// task_arg_t is the type a task parameter receives for a stored argument of type X.
template <class X>
using task_arg_t = decltype(accessor_for(std::declval<Frame*>(), std::declval<X&&>()));

/// is_accessor_v: X is an accessor, a reference_wrapper of one or a pointer to one (neither may be passed to spawn).
template <class T, int N>
void accessor_probe(const AccessorBase<T, N>&);
template <class X>
struct unwrap_reference {
  using type = X;
};
template <class X>
struct unwrap_reference<std::reference_wrapper<X>> {
  using type = std::remove_cv_t<X>;
};
template <class X>
struct unwrap_reference<X*> {
  using type = std::remove_cv_t<X>;
};
template <class X>
inline constexpr bool is_accessor_v =
    requires(const typename unwrap_reference<std::decay_t<X>>::type& x) { accessor_probe(x); };
}  // namespace detail

/// read(acc) / write(acc) / read_write(acc) / reduce<Op>(acc) request a privilege on the region of an
/// accessor the task holds: the same as read(acc.region()).
template <class T, int N>
Request<T, N, Privilege::read> read(const detail::AccessorBase<T, N>& a,
                                    std::source_location loc = std::source_location::current()) {
  return {a.region(), loc};
}
template <class T, int N>
Request<T, N, Privilege::write> write(const detail::AccessorBase<T, N>& a,
                                      std::source_location loc = std::source_location::current()) {
  return {a.region(), loc};
}
template <class T, int N>
Request<T, N, Privilege::read_write> read_write(const detail::AccessorBase<T, N>& a,
                                                std::source_location loc = std::source_location::current()) {
  return {a.region(), loc};
}
template <class Op, class T, int N>
Request<T, N, Privilege::reduce, Op> reduce(const detail::AccessorBase<T, N>& a,
                                            std::source_location loc = std::source_location::current()) {
  return {a.region(), loc};
}

}  // namespace canopy
