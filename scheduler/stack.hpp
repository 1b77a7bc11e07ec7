#pragma once
// Stack: an mmap'ed fiber stack with a PROT_NONE guard page below it, so an overflow faults at once.
#include <cstddef>

namespace canopy::sched {

/// Stack owns [base, base + guard + size): the lowest page is the guard, the rest is usable.
class Stack {
 public:
  Stack() = default;
  /// Stack(size) maps `size` usable bytes (rounded up to pages) plus one guard page; lazily committed.
  explicit Stack(std::size_t size);
  Stack(Stack&& o) noexcept;
  Stack& operator=(Stack&& o) noexcept;
  ~Stack();

  void* top() const { return static_cast<char*>(base_) + total_; }       // stacks grow down
  void* bottom() const { return static_cast<char*>(base_) + guard_; }    // lowest usable byte
  std::size_t size() const { return total_ - guard_; }
  /// in_guard says whether `addr` falls in this stack's guard page (an overflow).
  bool in_guard(const void* addr) const;

 private:
  void* base_ = nullptr;
  std::size_t total_ = 0;
  std::size_t guard_ = 0;
};

/// install_overflow_handler makes a fault in a fiber's guard page print a message before aborting;
/// call once per worker thread (it also sets up that thread's alternate signal stack).
void install_overflow_handler();

}  // namespace canopy::sched
