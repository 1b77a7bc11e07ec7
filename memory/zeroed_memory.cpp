#include "zeroed_memory.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace canopy::mem {

namespace {
constexpr std::size_t kMmapThreshold = 256 * 1024;
}

void* allocate_zeroed(std::size_t bytes, std::size_t align) {
  if (bytes == 0) bytes = 1;
  if (bytes >= kMmapThreshold) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return p;
  }
  if (align < alignof(std::max_align_t)) align = alignof(std::max_align_t);
  std::size_t rounded = (bytes + align - 1) / align * align;
  void* p = std::aligned_alloc(align, rounded);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, rounded);
  return p;
}

void release_zeroed(void* p, std::size_t bytes) {
  if (!p) return;
  if (bytes == 0) bytes = 1;
  if (bytes >= kMmapThreshold) munmap(p, bytes);
  else std::free(p);
}

}  // namespace canopy::mem
