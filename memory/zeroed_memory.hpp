#pragma once
// Zeroed memory for region data: small blocks from calloc, large ones from anonymous mmap, whose pages
// are zero and land on the NUMA node of the worker that first touches them (Linux first-touch policy).
#include <cstddef>

namespace canopy::mem {

/// allocate_zeroed returns `bytes` of zeroed memory aligned to at least `align` (<= 4096) bytes.
void* allocate_zeroed(std::size_t bytes, std::size_t align);
/// release_zeroed frees what allocate_zeroed returned, given the same size.
void release_zeroed(void* p, std::size_t bytes);

}  // namespace canopy::mem
