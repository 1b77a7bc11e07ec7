#pragma once
// The runtime side of regions: storage and partitions behind detail::RegionNode.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "canopy/detail/region_node.hpp"

namespace canopy::detail {

/// Storage is a root region's elements, shared by every node of its tree.
struct Storage {
  std::atomic<std::int32_t> refs{1};
  int dims = 1;
  std::int64_t extent[kMaxDims] = {1, 1};
  std::size_t elem_size = 0;
  std::size_t elem_align = 0;
  const char* elem_type = "";
  std::uint64_t root_id = 0;
  std::once_flag allocated;
  void* data = nullptr;
  std::size_t bytes = 0;
};

/// PartitionShape is the boxes of a partition's pieces. The analyzer keeps it after the partition
/// itself is gone, without keeping the partitioned region (and its data) alive.
struct PartitionShape {
  int dims = 1;
  bool equal_blocks = false;  // made by partition_equal: sorted blocks along dimension 0
  std::size_t count = 0;
  std::vector<std::int64_t> lo, hi;  // count * dims each
};

/// PartitionNode is a list of boxes inside a parent region; pieces are made on demand.
struct PartitionNode {
  std::atomic<std::int32_t> refs{1};
  RegionNode* parent = nullptr;
  bool disjoint = true;
  std::uint64_t id = 0;
  std::shared_ptr<const PartitionShape> shape;
};

void storage_retain(Storage* s);
void storage_release(Storage* s);

}  // namespace canopy::detail

namespace canopy::rt {

/// Box is a node's index box, with its dimension count.
struct Box {
  int dims = 1;
  std::int64_t lo[detail::kMaxDims] = {0, 0};
  std::int64_t hi[detail::kMaxDims] = {1, 1};
  bool overlaps(const Box& o) const;
  bool empty() const;
  bool contains(const Box& o) const;
  /// subtract returns the parts of this box outside `o` (at most 2 * dims boxes).
  std::vector<Box> subtract(const Box& o) const;
  std::string str() const;  // "[0, 10)" or "[0, 4) x [2, 8)"
};

Box box_of(const detail::RegionNode* n);
/// pieces_overlapping lists the pieces of `p` whose boxes overlap `b`.
void pieces_overlapping(const detail::PartitionShape& p, const Box& b, std::vector<std::size_t>& out);
/// piece_box is piece i's box.
Box piece_box(const detail::PartitionShape& p, std::size_t i);

}  // namespace canopy::rt
