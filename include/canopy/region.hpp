#pragma once
// Region<T, N>: a handle to typed N-dimensional data (N = 1 or 2) that tasks share through privileges.
// Partition<T, N>: its pieces. Handles are cheap to copy; the data lives while any handle or task uses it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "canopy/detail/region_node.hpp"
#include "canopy/errors.hpp"
#include "canopy/rect.hpp"

namespace canopy {

template <class T, int N>
class Partition;
class Context;

/// Region<T, N> names a box of a root region's elements; sub-regions and pieces alias their parent.
template <class T, int N = 1>
class Region {
  static_assert(N >= 1 && N <= detail::kMaxDims, "Canopy regions have 1 or 2 dimensions");

 public:
  using value_type = T;
  static constexpr int dims = N;

  Region() = default;
  Region(const Region& o) : node_(o.node_) {
    if (node_) detail::region_retain(node_);
  }
  Region(Region&& o) noexcept : node_(std::exchange(o.node_, nullptr)) {}
  Region& operator=(Region o) noexcept {
    std::swap(node_, o.node_);
    return *this;
  }
  ~Region() {
    if (node_) detail::region_release(node_);
  }

  /// bounds is the box of global indices this region covers.
  Rect<N> bounds() const {
    Rect<N> r;
    for (int d = 0; d < N; ++d) {
      r.lo[d] = node_->lo[d];
      r.hi[d] = node_->hi[d];
    }
    return r;
  }
  /// size is the number of elements.
  std::size_t size() const { return valid() ? bounds().volume() : 0; }
  bool valid() const { return node_ != nullptr; }
  /// id names the region in messages ("region #7").
  std::uint64_t id() const { return node_ ? node_->id : 0; }

  /// sub is the aliased sub-region [r.lo, r.hi) (global indices; must lie inside this region).
  Region sub(const Rect<N>& r) const { return Region(detail::region_sub(node(), r.lo.data(), r.hi.data())); }
  /// partition_equal cuts the region into `pieces` disjoint near-equal blocks (along the first dimension).
  Partition<T, N> partition_equal(std::size_t pieces) const;
  /// partition makes pieces from user boxes; disjoint when no two overlap (aliased otherwise).
  Partition<T, N> partition(const std::vector<Rect<N>>& boxes) const;
  /// rows is the sub-region of rows [lo, hi) with all of this region's columns (2-D).
  Region rows(std::int64_t lo, std::int64_t hi) const requires(N == 2);
  /// partition_rows_like cuts a 2-D region into pieces of the rows that the pieces of a 1-D partition
  /// cover (piece i holds rows p[i].bounds() and every column): X's rows aligned with y's pieces.
  template <class U>
  Partition<T, N> partition_rows_like(const Partition<U, 1>& p) const requires(N == 2);

  /// node is the runtime's record (for the runtime and accessors).
  detail::RegionNode* node() const {
    if (!node_) throw Error("canopy: use of an empty Region handle");
    return node_;
  }
  /// adopt wraps a node whose reference the caller hands over.
  static Region adopt(detail::RegionNode* n) { return Region(n); }

 private:
  explicit Region(detail::RegionNode* n) : node_(n) {}
  detail::RegionNode* node_ = nullptr;
};

/// Partition<T, N> is a list of pieces of a region; parts[i] is a Region<T, N>.
template <class T, int N = 1>
class Partition {
 public:
  Partition() = default;
  Partition(const Partition& o) : p_(o.p_) {
    if (p_) detail::partition_retain(p_);
  }
  Partition(Partition&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Partition& operator=(Partition o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~Partition() {
    if (p_) detail::partition_release(p_);
  }
  explicit Partition(detail::PartitionNode* p) : p_(p) {}

  /// size is the number of pieces.
  std::size_t size() const { return p_ ? detail::partition_size(p_) : 0; }
  /// operator[] is piece i.
  Region<T, N> operator[](std::size_t i) const {
    if (i >= size()) throw Error("canopy: partition piece " + std::to_string(i) + " of " + std::to_string(size()));
    return Region<T, N>::adopt(detail::partition_piece(p_, i));
  }
  /// disjoint says whether no two pieces overlap.
  bool disjoint() const { return p_ && detail::partition_disjoint(p_); }

 private:
  detail::PartitionNode* p_ = nullptr;
};

template <class T, int N>
Partition<T, N> Region<T, N>::partition_equal(std::size_t pieces) const {
  return Partition<T, N>(detail::region_partition_equal(node(), pieces));
}

template <class T, int N>
Partition<T, N> Region<T, N>::partition(const std::vector<Rect<N>>& boxes) const {
  std::vector<std::int64_t> lo, hi;
  for (const Rect<N>& b : boxes) {
    lo.insert(lo.end(), b.lo.begin(), b.lo.end());
    hi.insert(hi.end(), b.hi.begin(), b.hi.end());
  }
  return Partition<T, N>(detail::region_partition(node(), boxes.size(), lo.data(), hi.data()));
}

template <class T, int N>
Region<T, N> Region<T, N>::rows(std::int64_t lo, std::int64_t hi) const requires(N == 2) {
  Rect<N> box = bounds();
  box.lo[0] = lo;
  box.hi[0] = hi;
  return sub(box);
}

template <class T, int N>
template <class U>
Partition<T, N> Region<T, N>::partition_rows_like(const Partition<U, 1>& p) const requires(N == 2) {
  const Rect<N> all = bounds();
  std::vector<Rect<N>> boxes;
  boxes.reserve(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    const Rect<1> rows = p[i].bounds();
    Rect<N> box = all;
    box.lo[0] = rows.lo[0];
    box.hi[0] = rows.hi[0];
    boxes.push_back(box);
  }
  return partition(boxes);
}

}  // namespace canopy
