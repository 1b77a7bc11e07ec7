#pragma once
// Deadlock recovery: when every worker is idle while tasks wait, name the waiting tasks, detach them
// from what they wait on and let each one's wait throw DeadlockError.
#include <string>
#include <vector>

#include "scheduler/scheduler.hpp"

namespace canopy::rt {

/// on_deadlock is the scheduler's callback; it runs while every worker sleeps.
void on_deadlock(std::vector<sched::Waiter*>& stuck);
/// deadlock_report is the message of the last deadlock, for the DeadlockError each waiter throws.
std::string deadlock_report();

}  // namespace canopy::rt
