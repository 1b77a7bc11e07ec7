#include "regions.hpp"

#include <algorithm>
#include <atomic>
#include <sstream>

#include "canopy/errors.hpp"
#include "memory/zeroed_memory.hpp"

namespace canopy::rt {

namespace {
std::atomic<std::uint64_t> next_region_id{1};
}  // namespace

std::uint64_t next_region_id_value() { return next_region_id.fetch_add(1, std::memory_order_relaxed); }

namespace {

std::int64_t block_start(std::int64_t lo, std::int64_t len, std::size_t k, std::size_t i) {
  return lo + static_cast<std::int64_t>((static_cast<__int128>(len) * static_cast<__int128>(i)) / static_cast<__int128>(k));
}
}  // namespace

bool Box::overlaps(const Box& o) const {
  for (int d = 0; d < dims; ++d)
    if (o.lo[d] >= hi[d] || lo[d] >= o.hi[d]) return false;
  return true;
}

bool Box::empty() const {
  for (int d = 0; d < dims; ++d)
    if (hi[d] <= lo[d]) return true;
  return false;
}

bool Box::contains(const Box& o) const {
  for (int d = 0; d < dims; ++d)
    if (o.lo[d] < lo[d] || o.hi[d] > hi[d]) return false;
  return true;
}

std::vector<Box> Box::subtract(const Box& o) const {
  if (!overlaps(o)) return {*this};
  std::vector<Box> out;
  Box rest = *this;
  for (int d = 0; d < dims; ++d) {
    if (rest.lo[d] < o.lo[d]) {
      Box below = rest;
      below.hi[d] = o.lo[d];
      out.push_back(below);
      rest.lo[d] = o.lo[d];
    }
    if (rest.hi[d] > o.hi[d]) {
      Box above = rest;
      above.lo[d] = o.hi[d];
      out.push_back(above);
      rest.hi[d] = o.hi[d];
    }
  }
  return out;
}

std::string Box::str() const {
  std::ostringstream s;
  for (int d = 0; d < dims; ++d) s << (d ? " x " : "") << "[" << lo[d] << ", " << hi[d] << ")";
  return s.str();
}

Box box_of(const detail::RegionNode* n) {
  Box b;
  b.dims = n->dims;
  for (int d = 0; d < n->dims; ++d) {
    b.lo[d] = n->lo[d];
    b.hi[d] = n->hi[d];
  }
  return b;
}

Box piece_box(const detail::PartitionShape& p, std::size_t i) {
  Box b;
  b.dims = p.dims;
  for (int d = 0; d < b.dims; ++d) {
    b.lo[d] = p.lo[i * static_cast<size_t>(b.dims) + static_cast<size_t>(d)];
    b.hi[d] = p.hi[i * static_cast<size_t>(b.dims) + static_cast<size_t>(d)];
  }
  return b;
}

void pieces_overlapping(const detail::PartitionShape& shape, const Box& b, std::vector<std::size_t>& out) {
  const detail::PartitionShape* p = &shape;
  if (p->equal_blocks) {
    // Blocks are sorted along dimension 0 and each spans the parent in the others: binary search.
    const int dims = p->dims;
    auto lo_of = [&](std::size_t i) { return p->lo[i * static_cast<size_t>(dims)]; };
    auto hi_of = [&](std::size_t i) { return p->hi[i * static_cast<size_t>(dims)]; };
    std::size_t first = 0, last = p->count;
    while (first < last) {  // first block whose hi > b.lo[0]
      std::size_t mid = (first + last) / 2;
      if (hi_of(mid) <= b.lo[0]) first = mid + 1;
      else last = mid;
    }
    for (std::size_t i = first; i < p->count && lo_of(i) < b.hi[0]; ++i)
      if (piece_box(shape, i).overlaps(b)) out.push_back(i);
    return;
  }
  for (std::size_t i = 0; i < p->count; ++i)
    if (piece_box(shape, i).overlaps(b)) out.push_back(i);
}

}  // namespace canopy::rt

namespace canopy::detail {

void storage_retain(Storage* s) { s->refs.fetch_add(1, std::memory_order_relaxed); }

void storage_release(Storage* s) {
  if (s->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  mem::release_zeroed(s->data, s->bytes);
  delete s;
}

void region_retain(RegionNode* n) { n->refs.fetch_add(1, std::memory_order_relaxed); }

void region_release(RegionNode* n) {
  while (n && n->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    RegionNode* parent = n->parent;
    if (n->partition) partition_release(n->partition);
    storage_release(n->storage);
    delete n;
    n = parent;
  }
}

RegionNode* region_create(int dims, const std::int64_t* extent, std::size_t elem_size, std::size_t elem_align,
                          const char* elem_type) {
  if (dims < 1 || dims > kMaxDims) throw Error("canopy: regions have 1 or 2 dimensions, not " + std::to_string(dims));
  auto* s = new Storage();
  s->dims = dims;
  s->elem_size = elem_size;
  s->elem_align = elem_align;
  s->elem_type = elem_type;
  s->bytes = elem_size;
  auto* n = new RegionNode();
  n->dims = dims;
  n->storage = s;
  n->id = rt::next_region_id_value();
  s->root_id = n->id;
  for (int d = 0; d < dims; ++d) {
    if (extent[d] < 0) throw Error("canopy: create_region with a negative extent");
    s->extent[d] = extent[d];
    s->bytes *= static_cast<std::size_t>(extent[d]);
    n->lo[d] = 0;
    n->hi[d] = extent[d];
  }
  return n;
}

RegionNode* region_sub(RegionNode* n, const std::int64_t* lo, const std::int64_t* hi) {
  rt::Box b;
  b.dims = n->dims;
  for (int d = 0; d < n->dims; ++d) {
    b.lo[d] = lo[d];
    b.hi[d] = hi[d];
  }
  rt::Box outer = rt::box_of(n);
  bool inverted = false;
  for (int d = 0; d < b.dims; ++d) inverted |= b.lo[d] > b.hi[d];
  if (!outer.contains(b) || inverted)
    throw Error("canopy: sub-region " + b.str() + " is not inside region #" + std::to_string(n->id) + " " + outer.str());
  auto* s = new RegionNode();
  s->dims = n->dims;
  for (int d = 0; d < n->dims; ++d) {
    s->lo[d] = lo[d];
    s->hi[d] = hi[d];
  }
  s->storage = n->storage;
  storage_retain(s->storage);
  s->parent = n;
  region_retain(n);
  s->id = rt::next_region_id_value();
  return s;
}

PartitionNode* region_partition_equal(RegionNode* n, std::size_t pieces) {
  if (pieces == 0) throw Error("canopy: partition_equal(0) of region #" + std::to_string(n->id));
  auto* p = new PartitionNode();
  p->parent = n;
  region_retain(n);
  auto shape = std::make_shared<PartitionShape>();
  shape->dims = n->dims;
  shape->equal_blocks = true;
  p->disjoint = true;
  shape->count = pieces;
  p->id = rt::next_region_id_value();
  const auto dims = static_cast<std::size_t>(n->dims);
  shape->lo.resize(pieces * dims);
  shape->hi.resize(pieces * dims);
  const std::int64_t len = n->hi[0] - n->lo[0];
  for (std::size_t i = 0; i < pieces; ++i) {
    shape->lo[i * dims] = rt::block_start(n->lo[0], len, pieces, i);
    shape->hi[i * dims] = rt::block_start(n->lo[0], len, pieces, i + 1);
    for (std::size_t d = 1; d < dims; ++d) {
      shape->lo[i * dims + d] = n->lo[d];
      shape->hi[i * dims + d] = n->hi[d];
    }
  }
  p->shape = std::move(shape);
  return p;
}

PartitionNode* region_partition(RegionNode* n, std::size_t count, const std::int64_t* lo, const std::int64_t* hi) {
  auto* p = new PartitionNode();
  p->parent = n;
  region_retain(n);
  auto shape = std::make_shared<PartitionShape>();
  shape->dims = n->dims;
  shape->count = count;
  p->id = rt::next_region_id_value();
  const auto dims = static_cast<std::size_t>(n->dims);
  shape->lo.assign(lo, lo + count * dims);
  shape->hi.assign(hi, hi + count * dims);
  p->shape = shape;
  rt::Box outer = rt::box_of(n);
  for (std::size_t i = 0; i < count; ++i) {
    rt::Box b = rt::piece_box(*shape, i);
    if (!outer.contains(b)) {
      partition_release(p);
      throw Error("canopy: partition box " + b.str() + " is not inside region #" + std::to_string(n->id) + " " +
                  outer.str());
    }
  }
  // Disjointness: sort by the first dimension and compare each box with those that start before it ends.
  std::vector<std::size_t> order(count);
  for (std::size_t i = 0; i < count; ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return shape->lo[a * dims] < shape->lo[b * dims]; });
  for (std::size_t a = 0; a < count && p->disjoint; ++a) {
    rt::Box ba = rt::piece_box(*shape, order[a]);
    for (std::size_t b = a + 1; b < count && shape->lo[order[b] * dims] < ba.hi[0]; ++b)
      if (ba.overlaps(rt::piece_box(*shape, order[b]))) {
        p->disjoint = false;
        break;
      }
  }
  return p;
}

void partition_retain(PartitionNode* p) { p->refs.fetch_add(1, std::memory_order_relaxed); }
void partition_release(PartitionNode* p) {
  if (p->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  region_release(p->parent);
  delete p;
}
std::size_t partition_size(const PartitionNode* p) { return p->shape->count; }
bool partition_disjoint(const PartitionNode* p) { return p->disjoint; }

RegionNode* partition_piece(PartitionNode* p, std::size_t i) {
  auto* n = new RegionNode();
  rt::Box b = rt::piece_box(*p->shape, i);
  n->dims = b.dims;
  for (int d = 0; d < b.dims; ++d) {
    n->lo[d] = b.lo[d];
    n->hi[d] = b.hi[d];
  }
  n->storage = p->parent->storage;
  storage_retain(n->storage);
  n->parent = p->parent;
  region_retain(n->parent);
  n->partition = p;
  partition_retain(p);
  n->color = i;
  n->id = rt::next_region_id_value();
  return n;
}

void* storage_data(Storage* s) {
  std::call_once(s->allocated, [s] { s->data = mem::allocate_zeroed(s->bytes, s->elem_align); });
  return s->data;
}

std::int64_t storage_extent(const Storage* s, int d) { return s->extent[d]; }

}  // namespace canopy::detail
