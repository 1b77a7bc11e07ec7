#pragma once
// Stack: an mmap'ed fiber stack above a wide guard gap, so that an overflow faults at once even from
// a frame much larger than a page.
#include <cstddef>
#include <vector>

namespace canopy::sched {

/// kGuardGap is the inaccessible span below every stack: a frame up to this size that overflows lands
/// in it instead of in the stack mapped below (code built with -fstack-clash-protection probes every
/// page, so any frame does).
inline constexpr std::size_t kGuardGap = 256 * 1024;

/// Stack owns [base, base + guard + size): the guard gap at the bottom, the usable stack above it.
class Stack {
 public:
  Stack() = default;
  /// Stack(size) maps `size` usable bytes (rounded up to pages) above the guard gap, lazily committed.
  /// Throws std::bad_alloc when the kernel refuses the mapping.
  explicit Stack(std::size_t size);
  Stack(Stack&& o) noexcept;
  Stack& operator=(Stack&& o) noexcept;
  ~Stack();

  void* top() const { return static_cast<char*>(base_) + total_; }       // stacks grow down
  void* bottom() const { return static_cast<char*>(base_) + guard_; }    // lowest usable byte
  std::size_t size() const { return total_ - guard_; }
  /// in_guard says whether `addr` falls in this stack's guard gap (an overflow).
  bool in_guard(const void* addr) const;
  /// release_all unmaps every stack of `stacks`, neighbours in one call: each munmap costs every
  /// thread of the process a TLB flush, so returning stacks one by one is far slower.
  static void release_all(std::vector<Stack>& stacks);

 private:
  void* base_ = nullptr;
  std::size_t total_ = 0;
  std::size_t guard_ = 0;
};

/// mappings_per_stack is how many kernel memory mappings one stack costs: 0 where the kernel installs
/// guard pages inside a mapping (Linux 6.13 MADV_GUARD_INSTALL; neighbouring stacks then merge into
/// one mapping), 2 where the guard must be a PROT_NONE mapping of its own.
int mappings_per_stack();

/// OverflowReporter names what overflowed: it is called from the SIGSEGV handler, on the alternate
/// signal stack, and writes a line about the running task to `fd`.
using OverflowReporter = void (*)(int fd);

/// install_overflow_handler makes a fault in a fiber's guard gap print a message (and what `report`
/// says) before aborting; call once per worker thread (it also sets up that thread's signal stack).
void install_overflow_handler(OverflowReporter report);

}  // namespace canopy::sched
