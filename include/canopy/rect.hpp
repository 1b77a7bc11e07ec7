#pragma once
// Rect<N>: a half-open box of global indices, [lo, hi) in each dimension.
#include <array>
#include <cstddef>
#include <cstdint>

namespace canopy {

/// Rect<N> is the index range of a region: lo inclusive, hi exclusive, per dimension.
template <int N>
struct Rect {
  std::array<std::int64_t, N> lo{};
  std::array<std::int64_t, N> hi{};

  /// volume is the number of points; 0 when empty.
  std::size_t volume() const {
    std::size_t v = 1;
    for (int d = 0; d < N; ++d) v *= hi[d] > lo[d] ? static_cast<std::size_t>(hi[d] - lo[d]) : 0;
    return v;
  }
  bool empty() const { return volume() == 0; }
  /// contains says whether `o` lies inside this box.
  bool contains(const Rect& o) const {
    for (int d = 0; d < N; ++d)
      if (o.lo[d] < lo[d] || o.hi[d] > hi[d]) return false;
    return true;
  }
  bool overlaps(const Rect& o) const {
    for (int d = 0; d < N; ++d)
      if (o.lo[d] >= hi[d] || lo[d] >= o.hi[d]) return false;
    return true;
  }
  friend bool operator==(const Rect&, const Rect&) = default;
};

}  // namespace canopy
