#pragma once
// The messages ranks exchange, and their framing on the wire. decode() is the only reader of bytes that
// came from the network: it checks every length against what arrived and throws ProtocolError, never
// reads past the buffer (the fuzzer in fuzz/ drives it).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "canopy/errors.hpp"
#include "comm/transport.hpp"

namespace canopy::comm {

/// ProtocolError: bytes that are not a well-formed message (truncated, a bad magic or version, a length
/// past the end, an unknown kind, bytes left over). The caller adds which peer sent them.
struct ProtocolError : Error {
  using Error::Error;
};

/// CodeAddress names code identically on every rank of a job that runs the same binary: a hash of the
/// path of the module (executable or shared library) that holds it, and its offset from that module's
/// load address. {0, 0} means none.
struct CodeAddress {
  std::uint64_t module = 0;
  std::uint64_t offset = 0;
  bool operator==(const CodeAddress&) const = default;
};

/// RemoteFailure describes an exception that escaped a task on another rank.
struct RemoteFailure {
  std::string_view type;       ///< demangled type name of the exception ("std::runtime_error")
  std::string_view what;       ///< its what()
  std::string_view task_name;  ///< the task it escaped from
  std::int32_t rank = 0;       ///< the rank that task ran on
};

/// SpawnMsg: run a task here on behalf of the sender, who owns its result. `entry` is the decoder that
/// rebuilds the call from `args`; `function` the plain function called (none for a lambda, whose type
/// the entry already knows).
struct SpawnMsg {
  std::uint64_t task = 0;  ///< the sender's id for the task; results name it
  std::uint32_t depth = 0;  ///< the task's depth in the tree
  CodeAddress entry;
  CodeAddress function;
  std::span<const std::byte> args;
};
/// ResultMsg: the value of the task (or fetch request) `target`, encoded by the sender.
struct ResultMsg {
  std::uint64_t target = 0;
  std::span<const std::byte> value;
};
/// FailureMsg: the task (or fetch request) `target` failed.
struct FailureMsg {
  std::uint64_t target = 0;
  RemoteFailure failure;
};
/// FetchMsg: send the result of future `future` (exported by the receiver) as ResultMsg/FailureMsg with
/// target `request` once it is ready, encoded by `encoder`.
struct FetchMsg {
  std::uint64_t future = 0;
  std::uint64_t request = 0;
  CodeAddress encoder;
};
/// ReleaseMsg: the sender no longer refers to future `future` exported by the receiver.
struct ReleaseMsg {
  std::uint64_t future = 0;
};
/// RunEndMsg: rank 0's root task of run number `run` finished; the other ranks return from Runtime::run.
struct RunEndMsg {
  std::uint64_t run = 0;
};

using Message = std::variant<SpawnMsg, ResultMsg, FailureMsg, FetchMsg, ReleaseMsg, RunEndMsg>;

/// encode frames a message: a fixed header (magic, version, kind, body length) and its body.
Bytes encode(const Message& m);
/// decode reads one framed message; the views in the result point into `bytes`. Throws ProtocolError.
Message decode(std::span<const std::byte> bytes);
/// kind_name is "spawn", "result", ... for messages about messages.
const char* kind_name(const Message& m);

}  // namespace canopy::comm
