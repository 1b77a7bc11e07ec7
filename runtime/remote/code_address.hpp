#pragma once
// Code addresses that mean the same on every rank: (module, offset) pairs, and the checked way back
// from one to a record in this process.
#include <cstdint>

#include "canopy/detail/remote.hpp"
#include "comm/message.hpp"

namespace canopy::rt {

/// code_address_of names `p` (code or a static record) by its module and offset; {0, 0} for nullptr.
/// Throws Error when `p` lies in no loaded module.
comm::CodeAddress code_address_of(const void* p);
/// code_pointer resolves an address from a message; throws comm::ProtocolError unless it falls inside
/// a loaded segment of a module of this process.
const void* code_pointer(comm::CodeAddress a);

/// code_record resolves an address that must name a T starting with kCodeMagic (a RemoteTaskEntry or
/// a ResultCodec); throws comm::ProtocolError otherwise.
template <class T>
const T* code_record(comm::CodeAddress a) {
  const void* p = code_pointer(a);
  if (reinterpret_cast<std::uintptr_t>(p) % alignof(T) != 0 ||
      *static_cast<const std::uint64_t*>(p) != detail::kCodeMagic)
    throw comm::ProtocolError("canopy: a message names code that is not a task entry of this program");
  return static_cast<const T*>(p);
}

}  // namespace canopy::rt
