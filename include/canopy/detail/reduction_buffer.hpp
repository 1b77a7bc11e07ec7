#pragma once
// ReductionBuffer: a task's private folds into one region with one operator, made on its first fold,
// allocated in chunks as touched, and folded back into the region (only the touched chunks) when the
// task succeeds. Used by the Reduce accessor (canopy/accessor.hpp).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "canopy/export.hpp"
#include "canopy/privilege.hpp"
#include "canopy/rect.hpp"

namespace canopy::detail {

/// ReductionBufferBase is a task's private reduction buffer for one (region, Op), folded into the
/// region when the task succeeds and discarded when it fails.
struct ReductionBufferBase {
  virtual ~ReductionBufferBase() = default;
  /// fold_into_region folds the touched chunks into the region; an exception from Op::fold leaves the
  /// region as it was (see ReductionBuffer).
  virtual void fold_into_region() = 0;
  std::uint64_t region_id = 0;  // the key the task finds it by (set by attach_reduction)
  const char* op = nullptr;
};

/// Folds into a root region are serialised per granule of kFoldGranule elements (of its row-major
/// element order), through a fixed table of lock stripes: fold_lock locks the stripe of `granule` and
/// returns it for fold_unlock; disjoint pieces of a region fold in parallel.
inline constexpr std::int64_t kFoldGranule = 512;
CANOPY_EXPORT std::uint32_t fold_stripe(const Storage* s, std::int64_t granule);
CANOPY_EXPORT void fold_lock(std::uint32_t stripe);
CANOPY_EXPORT void fold_unlock(std::uint32_t stripe);

/// fold_cannot_throw: the built-in operators on arithmetic types, and any Op whose fold is noexcept.
template <class Op, class T>
inline constexpr bool fold_cannot_throw =
    ((std::is_same_v<Op, Sum> || std::is_same_v<Op, Prod> || std::is_same_v<Op, Min> || std::is_same_v<Op, Max>) &&
     std::is_arithmetic_v<T>) ||
    requires(T& a, const T& b) { { Op::fold(a, b) } noexcept; };

/// chunk_shift: a reduction buffer is allocated in chunks of 2^chunk_shift elements, about 4 KiB
/// (16 to 512 elements).
template <class T>
constexpr int chunk_shift() {
  int s = 4;
  while (s < 9 && (std::size_t{2} << s) * sizeof(T) <= 4096) ++s;
  return s;
}

/// ReductionBuffer holds a task's folds into one region with one Op, over the accessor's box in
/// row-major order. It is made on the task's first fold and allocated in chunks, identity-filled on
/// first touch, found through a two-level directory; only touched chunks are folded back, so folds
/// cost O(elements touched) and a task that only passes the reduction on allocates nothing.
/// Folding back takes the lock stripe of each granule it writes. When Op::fold may throw, it takes one
/// lock for the whole region and computes the results into the buffer before any is stored: an
/// exception leaves the region as it was.
template <class T, class Op, int N>
class ReductionBuffer final : public ReductionBufferBase {
 public:
  static constexpr int kShift = chunk_shift<T>();
  static constexpr std::size_t kChunk = std::size_t{1} << kShift;
  static constexpr int kLeafShift = 8;  // chunk pointers per directory leaf: 256
  static constexpr std::size_t kLeaf = std::size_t{1} << kLeafShift;

  ReductionBuffer(const Rect<N>& r, T* base, std::int64_t stride, const Storage* s)
      : rect_(r), base_(base), stride_(stride), storage_(s), volume_(r.volume()), identity_(op_identity<Op, T>()) {
    if constexpr (N == 2) width_ = r.hi[1] - r.lo[1];
    const std::size_t chunks = (volume_ + kChunk - 1) >> kShift;
    leaves_.resize((chunks + kLeaf - 1) >> kLeafShift);
  }
  ~ReductionBuffer() override {
    for_each_chunk([this](std::size_t c, T* p) { free_chunk(c, p); });
  }
  ReductionBuffer(const ReductionBuffer&) = delete;
  ReductionBuffer& operator=(const ReductionBuffer&) = delete;

  /// at is the buffer's element at row-major offset `off` of the box, identity until first folded.
  T& at(std::size_t off) {
    const std::size_t c = off >> kShift;
    if (c != last_chunk_) [[unlikely]] {
      last_data_ = chunk(c);
      last_chunk_ = c;
    }
    return last_data_[off & (kChunk - 1)];
  }

  void fold_into_region() override {
    if constexpr (fold_cannot_throw<Op, T>) {
      for_each_run([this](T* mine, std::int64_t x, std::size_t len) {
        const std::uint32_t stripe = fold_lock_granule(x);
        for (std::size_t k = 0; k < len; ++k) op_fold<Op, T>(base_[x + static_cast<std::int64_t>(k)], mine[k]);
        fold_unlock(stripe);
      });
    } else {
      // Every fold of this Op into this region takes this path (fold_cannot_throw depends on Op and T
      // only), and other operators are ordered apart by the analyzer: one lock for the whole region.
      const std::uint32_t whole = fold_stripe(storage_, -1);
      fold_lock(whole);
      struct Unlock {
        std::uint32_t stripe;
        ~Unlock() { fold_unlock(stripe); }
      } unlock{whole};
      for_each_run([this](T* mine, std::int64_t x, std::size_t len) {  // results into the buffer
        for (std::size_t k = 0; k < len; ++k) {
          T folded = base_[x + static_cast<std::int64_t>(k)];
          op_fold<Op, T>(folded, mine[k]);
          mine[k] = std::move(folded);
        }
      });
      for_each_run([this](T* mine, std::int64_t x, std::size_t len) {  // then into the region
        for (std::size_t k = 0; k < len; ++k) base_[x + static_cast<std::int64_t>(k)] = std::move(mine[k]);
      });
    }
  }

 private:
  std::size_t chunk_size(std::size_t c) const { return std::min(kChunk, volume_ - (c << kShift)); }
  T* chunk(std::size_t c) {
    std::unique_ptr<T*[]>& leaf = leaves_[c >> kLeafShift];
    if (!leaf) leaf.reset(new T*[kLeaf]());
    T*& p = leaf[c & (kLeaf - 1)];
    if (!p) {
      const std::size_t n = chunk_size(c);
      T* fresh = static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{alignof(T)}));
      try {
        std::uninitialized_fill_n(fresh, n, identity_);
      } catch (...) {
        ::operator delete(fresh, std::align_val_t{alignof(T)});
        throw;
      }
      p = fresh;
    }
    return p;
  }
  void free_chunk(std::size_t c, T* p) {
    std::destroy_n(p, chunk_size(c));
    ::operator delete(p, std::align_val_t{alignof(T)});
  }
  /// for_each_chunk calls fn(c, data) for each allocated chunk, in order.
  template <class Fn>
  void for_each_chunk(Fn&& fn) {
    for (std::size_t l = 0; l < leaves_.size(); ++l) {
      if (!leaves_[l]) continue;
      for (std::size_t k = 0; k < kLeaf; ++k)
        if (T* p = leaves_[l][k]) fn((l << kLeafShift) + k, p);
    }
  }
  /// for_each_run calls fn(buffer elements, first region element (row-major index in the root), count)
  /// for each run of touched elements contiguous in the region and within one lock granule, in order.
  template <class Fn>
  void for_each_run(Fn&& fn) {
    for_each_chunk([&](std::size_t c, T* p) {
      std::size_t off = c << kShift;
      const std::size_t end = off + chunk_size(c);
      while (off < end) {
        std::int64_t x;
        std::size_t len = end - off;
        if constexpr (N == 1) {
          x = rect_.lo[0] + static_cast<std::int64_t>(off);
        } else {
          const auto row = static_cast<std::int64_t>(off) / width_, col = static_cast<std::int64_t>(off) % width_;
          x = (rect_.lo[0] + row) * stride_ + rect_.lo[1] + col;
          len = std::min(len, static_cast<std::size_t>(width_ - col));
        }
        len = std::min(len, static_cast<std::size_t>(kFoldGranule - x % kFoldGranule));
        fn(p + (off - (c << kShift)), x, len);
        off += len;
      }
    });
  }
  std::uint32_t fold_lock_granule(std::int64_t x) const {
    const std::uint32_t stripe = fold_stripe(storage_, x / kFoldGranule);
    fold_lock(stripe);
    return stripe;
  }

  Rect<N> rect_;
  T* base_;
  std::int64_t stride_;
  std::int64_t width_ = 1;
  const Storage* storage_;
  std::size_t volume_;
  T identity_;
  std::vector<std::unique_ptr<T*[]>> leaves_;
  std::size_t last_chunk_ = static_cast<std::size_t>(-1);
  T* last_data_ = nullptr;
};
}  // namespace canopy::detail

