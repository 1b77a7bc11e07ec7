#pragma once
// The runtime's error types: every one derives from canopy::Error (a std::runtime_error).
#include <stdexcept>
#include <string>

namespace canopy {

/// Error is the base of every error the runtime throws.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// PrivilegeError: a spawn asked for more than its parent holds on a region.
struct PrivilegeError : Error {
  using Error::Error;
};
/// NoDeviceError: a task was placed on a GPU that does not exist.
struct NoDeviceError : Error {
  using Error::Error;
};
/// RemoteError: another rank failed, or an argument could not be sent to it.
struct RemoteError : Error {
  using Error::Error;
};
/// DeadlockError: every worker is idle while tasks still wait on futures that can never complete.
struct DeadlockError : Error {
  using Error::Error;
};
/// Cancelled: the task never ran: a sibling failed before it started, or Future::cancel was called.
struct Cancelled : Error {
  using Error::Error;
};

}  // namespace canopy
