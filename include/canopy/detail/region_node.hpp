#pragma once
// The records behind Region handles: storage shared by a whole region tree, nodes (the root, sub-regions
// and partition pieces) and partitions. Handles reach them through the exported functions below.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "canopy/export.hpp"

namespace canopy::detail {

inline constexpr int kMaxDims = 2;

struct Storage;
struct PartitionNode;

/// RegionNode is one region: a box of a root region's index space, and where it comes from.
struct RegionNode {
  std::atomic<std::int32_t> refs{1};
  int dims = 1;
  std::int64_t lo[kMaxDims] = {};
  std::int64_t hi[kMaxDims] = {};
  Storage* storage = nullptr;         // shared with the whole tree; holds the root's extents
  RegionNode* parent = nullptr;       // nullptr for a root
  PartitionNode* partition = nullptr; // the partition this node is a piece of, if any
  std::size_t color = 0;              // its index in that partition
  std::uint64_t id = 0;               // unique per process, for messages
};

/// region_retain/region_release count handles to a node; the last release frees the node (and, with
/// it, the storage once nothing refers to it any more).
CANOPY_EXPORT void region_retain(RegionNode* n);
CANOPY_EXPORT void region_release(RegionNode* n);
/// region_create makes a root region of `dims` dimensions with `extent` points each, of elements of
/// `elem_size` bytes; storage is allocated, zeroed, on first use.
CANOPY_EXPORT RegionNode* region_create(int dims, const std::int64_t* extent, std::size_t elem_size,
                                        std::size_t elem_align, const char* elem_type);
/// region_sub makes an aliased sub-region [lo, hi) of `n` (which must contain it).
CANOPY_EXPORT RegionNode* region_sub(RegionNode* n, const std::int64_t* lo, const std::int64_t* hi);
/// region_partition_equal cuts `n` into `pieces` near-equal blocks along its first dimension.
CANOPY_EXPORT PartitionNode* region_partition_equal(RegionNode* n, std::size_t pieces);
/// region_partition makes a partition from user boxes (each inside `n`); it is disjoint if no two overlap.
CANOPY_EXPORT PartitionNode* region_partition(RegionNode* n, std::size_t count, const std::int64_t* lo,
                                              const std::int64_t* hi);
CANOPY_EXPORT void partition_retain(PartitionNode* p);
CANOPY_EXPORT void partition_release(PartitionNode* p);
CANOPY_EXPORT std::size_t partition_size(const PartitionNode* p);
CANOPY_EXPORT bool partition_disjoint(const PartitionNode* p);
/// partition_piece returns piece `i` (a new handle).
CANOPY_EXPORT RegionNode* partition_piece(PartitionNode* p, std::size_t i);
/// storage_data returns the root's element array, allocating (zeroed) on first use.
CANOPY_EXPORT void* storage_data(Storage* s);
/// storage_extent is the root's extent in dimension d (row length for 2-D addressing).
CANOPY_EXPORT std::int64_t storage_extent(const Storage* s, int d);

}  // namespace canopy::detail
