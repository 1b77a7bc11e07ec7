#pragma once
// WsDeque: a work-stealing deque with the THE protocol of Cilk-5 (Frigo, Leiserson and Randall,
// "The Implementation of the Cilk-5 Multithreaded Language", PLDI'98) over the growable circular array
// of Chase and Lev (SPAA'05). The owner pushes and pops at the tail; a pop costs one store-load fence
// (a seq_cst store and load, which ThreadSanitizer models) and no read-modify-write even for the last
// element: thieves serialise on a per-deque spinlock, and only a pop that meets a thief takes it.
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

  /// push adds a task at the tail (owner only).
  void push(Task* t) {
    std::int64_t tail = tail_.load(std::memory_order_relaxed);
    if (tail >= owner_limit_) make_room(tail);
    owner_slot(tail).store(t, std::memory_order_relaxed);
    tail_.store(tail + 1, std::memory_order_release);
  }

  /// pop takes the task at the tail (owner only); nullptr when the deque is empty.
  Task* pop() {
    std::int64_t tail = tail_.load(std::memory_order_relaxed) - 1;
    if (tail < head_cache_) return nullptr;  // empty for sure: head only grows
    tail_.store(tail, std::memory_order_seq_cst);
    std::int64_t head = head_.load(std::memory_order_seq_cst);
    if (head <= tail) return owner_slot(tail).load(std::memory_order_relaxed);
    return pop_contended(tail);
  }

  /// pop_if takes the task at the tail only when it is `expected` (owner only): true when it did.
  bool pop_if(Task* expected) {
    std::int64_t tail = tail_.load(std::memory_order_relaxed) - 1;
    // No emptiness test first: a stale copy of `expected` below head fails the head check (rarely).
    if (owner_slot(tail).load(std::memory_order_relaxed) != expected) return false;
    tail_.store(tail, std::memory_order_seq_cst);
    std::int64_t head = head_.load(std::memory_order_seq_cst);
    return head <= tail || pop_contended(tail) == expected;
  }

  enum class Steal { success, empty, lost_race };
  /// steal takes the task at the head (any thread); `out` is set on success.
  Steal steal(Task*& out) {
    if (head_.load(std::memory_order_relaxed) >= tail_.load(std::memory_order_relaxed)) return Steal::empty;
    if (lock_.exchange(true, std::memory_order_acquire)) return Steal::lost_race;
    std::int64_t head = head_.load(std::memory_order_relaxed);
    head_.store(head + 1, std::memory_order_seq_cst);
    Steal result = Steal::empty;
    if (head + 1 <= tail_.load(std::memory_order_seq_cst)) {
      out = array_.load(std::memory_order_acquire)->at(head).load(std::memory_order_relaxed);
      result = Steal::success;
    } else {
      head_.store(head, std::memory_order_relaxed);
    }
    lock_.store(false, std::memory_order_release);
    return result;
  }

  /// size_hint is tail - head as seen now (any thread; may be stale).
  std::int64_t size_hint() const {
    return tail_.load(std::memory_order_relaxed) - head_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<Task*>& owner_slot(std::int64_t i) const { return owner_slots_[i & owner_mask_]; }
  /// publish makes `a` the array the owner and the thieves use.
  void publish(Array* a);
  /// make_room raises owner_limit_ from the thieves' progress, or grows the array, before a push.
  CANOPY_EXPORT void make_room(std::int64_t tail);
  /// set_head_cache records a lower bound on head_ and the push limit that follows from it.
  void set_head_cache(std::int64_t head) {
    head_cache_ = head;
    owner_limit_ = head + owner_mask_;
  }
  Array* grow(std::int64_t tail, std::int64_t head);
  /// pop_contended settles a pop that may race a thief for the last task, under the thieves' lock.
  CANOPY_EXPORT Task* pop_contended(std::int64_t tail);

  alignas(64) std::atomic<std::int64_t> head_{0};  // next task a thief takes
  std::atomic<bool> lock_{false};                  // held by a thief, or by a pop that met one
  alignas(64) std::atomic<std::int64_t> tail_{0};  // one past the owner's last task
  std::atomic<Array*> array_{nullptr};
  Array* owner_array_ = nullptr;
  std::atomic<Task*>* owner_slots_ = nullptr;  // owner_array_'s slots and capacity - 1, read without
  std::int64_t owner_mask_ = 0;                 // going through the array header
  std::int64_t head_cache_ = 0;  // the owner's lower bound on head_ (see make_room)
  std::int64_t owner_limit_ = 0;  // head_cache_ + owner_mask_: a push at this tail may need room
};

}  // namespace canopy::detail
