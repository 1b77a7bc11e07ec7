#include "canopy/detail/ws_deque.hpp"

#include <cstdlib>
#include <new>

namespace canopy::detail {

namespace {
constexpr std::int64_t kInitialCapacity = 256;

WsDeque::Array* make_array(std::int64_t capacity, WsDeque::Array* previous) {
  std::size_t bytes = sizeof(WsDeque::Array) + sizeof(std::atomic<Task*>) * static_cast<std::size_t>(capacity - 1);
  void* mem = std::malloc(bytes);
  if (!mem) throw std::bad_alloc();
  auto* a = static_cast<WsDeque::Array*>(mem);
  a->capacity = capacity;
  a->previous = previous;
  for (std::int64_t i = 0; i < capacity; ++i) ::new (&a->slots[i]) std::atomic<Task*>(nullptr);
  return a;
}
}  // namespace

WsDeque::WsDeque() { publish(make_array(kInitialCapacity, nullptr)); }

void WsDeque::publish(Array* a) {
  owner_array_ = a;
  owner_slots_ = a->slots;
  owner_mask_ = a->capacity - 1;
  owner_limit_ = head_cache_ + owner_mask_;
  array_.store(a, std::memory_order_release);
}

WsDeque::~WsDeque() {
  for (Array* a = owner_array_; a;) {
    Array* prev = a->previous;
    std::free(a);
    a = prev;
  }
}

void WsDeque::make_room(std::int64_t tail) {
  // A thief that loses its race raises head by one and lowers it again: only head - 1 is a bound
  // that cannot move down.
  std::int64_t head = head_.load(std::memory_order_acquire) - 1;
  if (head > head_cache_) set_head_cache(head);
  if (tail >= owner_limit_) grow(tail, head_cache_);
}

WsDeque::Array* WsDeque::grow(std::int64_t tail, std::int64_t head) {
  Array* old = owner_array_;
  Array* bigger = make_array(old->capacity * 2, old);
  for (std::int64_t i = head; i < tail; ++i)
    bigger->at(i).store(old->at(i).load(std::memory_order_relaxed), std::memory_order_relaxed);
  publish(bigger);
  return bigger;
}

Task* WsDeque::pop_contended(std::int64_t tail) {
  // The fast path saw head > tail: the deque was empty, or a thief is taking the last task. Undo the
  // decrement, then decide again while no thief can move head.
  tail_.store(tail + 1, std::memory_order_relaxed);
  while (lock_.exchange(true, std::memory_order_acquire)) {
    while (lock_.load(std::memory_order_relaxed)) __builtin_ia32_pause();
  }
  Task* x = nullptr;
  std::int64_t head = head_.load(std::memory_order_relaxed);
  if (head <= tail) {
    tail_.store(tail, std::memory_order_relaxed);
    x = owner_slot(tail).load(std::memory_order_relaxed);
  }
  set_head_cache(head);
  lock_.store(false, std::memory_order_release);
  return x;
}

}  // namespace canopy::detail
