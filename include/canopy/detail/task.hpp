#pragma once
// Task: the erased record the scheduler runs. It knows nothing of results, privileges or futures.
namespace canopy::detail {

/// Task is what sits in a worker's deque: a pointer to the function that runs it to completion.
struct Task {
  void (*execute)(Task*) = nullptr;
};

}  // namespace canopy::detail
