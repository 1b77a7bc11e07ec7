#pragma once
// Accessors: what a task receives for each privilege request, in the same argument position.
// Read<T, N>, Write<T, N>, ReadWrite<T, N> index the region by global indices; Reduce<T, Op, N> folds
// into a private buffer that the runtime combines into the region when the task finishes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "canopy/export.hpp"
#include "canopy/privilege.hpp"
#include "canopy/region.hpp"

namespace canopy {

namespace detail {
struct Frame;

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

 protected:
  explicit AccessorBase(const Region<T, N>& r)
      : region_(r), base_(static_cast<T*>(storage_data(r.node()->storage))), rect_(r.bounds()) {
    if constexpr (N == 2) stride_ = storage_extent(r.node()->storage, 1);
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
};

/// ReductionBufferBase is a task's private reduction buffer, folded into the region at task end.
struct ReductionBufferBase {
  virtual ~ReductionBufferBase() = default;
  virtual void fold_into_region() = 0;
};
/// attach_reduction hands a buffer to the running task; the runtime folds and deletes it at completion.
CANOPY_EXPORT void attach_reduction(Frame* task, ReductionBufferBase* buffer, Storage* region_storage);
}  // namespace detail

/// Read<T, N>: read-only access to a region.
template <class T, int N = 1>
class Read : public detail::AccessorBase<T, N> {
 public:
  explicit Read(const Region<T, N>& r) : detail::AccessorBase<T, N>(r) {}
  const T& operator[](std::int64_t i) const requires(N == 1) { return *this->point(i, "read"); }
  const T& operator()(std::int64_t i, std::int64_t j) const requires(N == 2) { return *this->point(i, j, "read"); }
  const T* data() const { return this->first(); }
  const T* begin() const { return this->first(); }
  const T* end() const { return this->last(); }
};

/// Write<T, N>: write access; the old contents are not promised to the task.
template <class T, int N = 1>
class Write : public detail::AccessorBase<T, N> {
 public:
  explicit Write(const Region<T, N>& r) : detail::AccessorBase<T, N>(r) {}
  T& operator[](std::int64_t i) const requires(N == 1) { return *this->point(i, "write"); }
  T& operator()(std::int64_t i, std::int64_t j) const requires(N == 2) { return *this->point(i, j, "write"); }
  T* data() const { return this->first(); }
  T* begin() const { return this->first(); }
  T* end() const { return this->last(); }
};

/// ReadWrite<T, N>: read and write access.
template <class T, int N = 1>
class ReadWrite : public detail::AccessorBase<T, N> {
 public:
  explicit ReadWrite(const Region<T, N>& r) : detail::AccessorBase<T, N>(r) {}
  T& operator[](std::int64_t i) const requires(N == 1) { return *this->point(i, "read_write"); }
  T& operator()(std::int64_t i, std::int64_t j) const requires(N == 2) { return *this->point(i, j, "read_write"); }
  T* data() const { return this->first(); }
  T* begin() const { return this->first(); }
  T* end() const { return this->last(); }
};

namespace detail {
/// ReductionBuffer holds identity-initialised values for an accessor's box and folds them back.
template <class T, class Op, int N>
struct ReductionBuffer final : ReductionBufferBase {
  Rect<N> rect;
  T* region_base;
  std::int64_t stride;
  std::vector<T> values;
  ReductionBuffer(Rect<N> r, T* base, std::int64_t s)
      : rect(r), region_base(base), stride(s), values(r.volume(), op_identity<Op, T>()) {}
  std::size_t offset(std::int64_t i, std::int64_t j = 0) const {
    if constexpr (N == 1) return static_cast<std::size_t>(i - rect.lo[0]);
    else return static_cast<std::size_t>((i - rect.lo[0]) * (rect.hi[1] - rect.lo[1]) + (j - rect.lo[1]));
  }
  void fold_into_region() override {
    if constexpr (N == 1) {
      for (std::int64_t i = rect.lo[0]; i < rect.hi[0]; ++i) op_fold<Op, T>(region_base[i], values[offset(i)]);
    } else {
      for (std::int64_t i = rect.lo[0]; i < rect.hi[0]; ++i)
        for (std::int64_t j = rect.lo[1]; j < rect.hi[1]; ++j)
          op_fold<Op, T>(region_base[i * stride + j], values[offset(i, j)]);
    }
  }
};
}  // namespace detail

/// Reduce<T, Op, N>: fold values into a region with Op; concurrent reducers with one Op run in parallel.
template <class T, class Op, int N = 1>
class Reduce : public detail::AccessorBase<T, N> {
 public:
  Reduce(const Region<T, N>& r, detail::Frame* task) : detail::AccessorBase<T, N>(r) {
    auto* buf = new detail::ReductionBuffer<T, Op, N>(this->rect_, this->base_, this->stride_);
    detail::attach_reduction(task, buf, r.node()->storage);
    buffer_ = buf;
  }
  /// fold combines `value` into element i (or (i, j)).
  void fold(std::int64_t i, const T& value) const requires(N == 1) {
    this->point(i, "reduce");
    detail::op_fold<Op, T>(buffer_->values[buffer_->offset(i)], value);
  }
  void fold(std::int64_t i, std::int64_t j, const T& value) const requires(N == 2) {
    this->point(i, j, "reduce");
    detail::op_fold<Op, T>(buffer_->values[buffer_->offset(i, j)], value);
  }
  /// operator+= folds into the single element this accessor covers.
  const Reduce& operator+=(const T& value) const {
    if (this->size() != 1) throw Error("canopy: Reduce::operator+= needs an accessor of one element, this one covers " +
                                       std::to_string(this->size()));
    detail::op_fold<Op, T>(buffer_->values[0], value);
    return *this;
  }

 private:
  detail::ReductionBuffer<T, Op, N>* buffer_;
};

namespace detail {
/// accessor_for turns a request into the accessor the task receives; other arguments pass through.
template <class X>
X&& accessor_for(Frame*, X&& x) {
  return std::forward<X>(x);
}
template <class T, int N>
Read<T, N> accessor_for(Frame*, Request<T, N, Privilege::read>&& r) {
  return Read<T, N>(r.region);
}
template <class T, int N>
Write<T, N> accessor_for(Frame*, Request<T, N, Privilege::write>&& r) {
  return Write<T, N>(r.region);
}
template <class T, int N>
ReadWrite<T, N> accessor_for(Frame*, Request<T, N, Privilege::read_write>&& r) {
  return ReadWrite<T, N>(r.region);
}
template <class T, int N, class Op>
Reduce<T, Op, N> accessor_for(Frame* task, Request<T, N, Privilege::reduce, Op>&& r) {
  return Reduce<T, Op, N>(r.region, task);
}
/// task_arg_t is the type a task parameter receives for a stored argument of type X.
template <class X>
using task_arg_t = decltype(accessor_for(std::declval<Frame*>(), std::declval<X&&>()));
}  // namespace detail

}  // namespace canopy
