#pragma once
// WsDeque: the Chase-Lev work-stealing deque, in the C11 formulation of Le, Pop, Cohen and Zappa Nardelli,
// "Correct and Efficient Work-Stealing for Weak Memory Models" (PPoPP'13). The owner pushes and pops at
// the bottom with no read-modify-write unless one element is left; thieves take from the top with a CAS.
// The store-load fence of pop() is expressed as seq_cst operations so that ThreadSanitizer understands it.
#include <atomic>
#include <cstdint>
#include <new>

#include "canopy/detail/task.hpp"
#include "canopy/export.hpp"

namespace canopy::detail {

/// WsDeque is one worker's deque of tasks: push/pop by the owner thread only, steal by any thread.
class WsDeque {
 public:
  struct Array {
    std::int64_t capacity;  // a power of two
    Array* previous;        // kept until the deque dies: a thief may still read from it
    std::atomic<Task*> slots[1];
    std::atomic<Task*>& at(std::int64_t i) { return slots[i & (capacity - 1)]; }
  };

  WsDeque();
  ~WsDeque();
  WsDeque(const WsDeque&) = delete;
  WsDeque& operator=(const WsDeque&) = delete;

  /// push adds a task at the bottom (owner only).
  void push(Task* t) {
    std::int64_t b = bottom_.load(std::memory_order_relaxed);
    Array* a = owner_array_;
    if (b - top_cache_ >= a->capacity - 1) {
      top_cache_ = top_.load(std::memory_order_acquire);
      if (b - top_cache_ >= a->capacity - 1) a = grow(b, top_cache_);
    }
    a->at(b).store(t, std::memory_order_relaxed);
    bottom_.store(b + 1, std::memory_order_release);
  }

  /// pop takes the bottom task (owner only); nullptr when empty or when a thief won the last one.
  Task* pop() {
    std::int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
    Array* a = owner_array_;
    bottom_.store(b, std::memory_order_seq_cst);
    std::int64_t t = top_.load(std::memory_order_seq_cst);
    if (t > b) {
      bottom_.store(b + 1, std::memory_order_relaxed);
      return nullptr;
    }
    Task* x = a->at(b).load(std::memory_order_relaxed);
    if (t == b) {
      if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst, std::memory_order_relaxed))
        x = nullptr;
      bottom_.store(b + 1, std::memory_order_relaxed);
    }
    return x;
  }

  /// peek_bottom returns the task pop() would take, without taking it (owner only; a hint).
  Task* peek_bottom() const {
    std::int64_t b = bottom_.load(std::memory_order_relaxed);
    if (b <= top_cache_) return nullptr;
    return owner_array_->at(b - 1).load(std::memory_order_relaxed);
  }

  enum class Steal { success, empty, lost_race };
  /// steal takes the top task (any thread); `out` is set on success.
  Steal steal(Task*& out) {
    std::int64_t t = top_.load(std::memory_order_seq_cst);
    std::int64_t b = bottom_.load(std::memory_order_seq_cst);
    if (t >= b) return Steal::empty;
    Array* a = array_.load(std::memory_order_acquire);
    Task* x = a->at(t).load(std::memory_order_relaxed);
    if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst, std::memory_order_relaxed))
      return Steal::lost_race;
    out = x;
    return Steal::success;
  }

  /// size_hint is bottom - top as seen now (any thread; may be stale).
  std::int64_t size_hint() const {
    return bottom_.load(std::memory_order_relaxed) - top_.load(std::memory_order_relaxed);
  }

 private:
  CANOPY_EXPORT Array* grow(std::int64_t bottom, std::int64_t top);

  alignas(64) std::atomic<std::int64_t> top_{0};
  alignas(64) std::atomic<std::int64_t> bottom_{0};
  std::atomic<Array*> array_{nullptr};
  Array* owner_array_ = nullptr;
  std::int64_t top_cache_ = 0;  // owner's lower bound on top_: top only grows
};

}  // namespace canopy::detail
