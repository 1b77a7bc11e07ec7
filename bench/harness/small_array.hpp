// A fixed-length array that lives on the stack up to N elements and on the heap beyond.
//
// Kernels keep one result slot (or one future) per spawned child. A heap vector per tree node would
// add an allocation to every task and blur the per-spawn figures; a fixed 100-slot array would make
// every frame large, and UTS T3L recursion is ~15 000 nodes deep. Most nodes have <= N children.
#pragma once

#include <cstddef>
#include <memory>

namespace bench {

template <class T, std::size_t N>
class SmallArray {
 public:
  explicit SmallArray(std::size_t n)
      : heap_(n > N ? std::make_unique<T[]>(n) : nullptr), data_(n > N ? heap_.get() : inline_) {}
  SmallArray(const SmallArray&) = delete;
  SmallArray& operator=(const SmallArray&) = delete;

  T& operator[](std::size_t i) { return data_[i]; }
  T* data() { return data_; }

 private:
  T inline_[N];  // default-initialised: no zeroing per call for integers, written before read
  std::unique_ptr<T[]> heap_;
  T* data_;
};

}  // namespace bench
