#pragma once
// Task: the erased record the scheduler runs. It knows nothing of results, privileges or futures.
namespace canopy::detail {

struct Task;

/// TaskOps is the start of every task type's table: how the scheduler runs a task to completion.
struct TaskOps {
  void (*execute)(Task*);
};

/// Task is what sits in a worker's deque: a pointer to its type's table (one store per spawn).
struct Task {
  const TaskOps* task_ops = nullptr;
  void execute() { task_ops->execute(this); }
};

}  // namespace canopy::detail
