#pragma once
// The one entry point of the comm plugin (libcanopy_comm.so), shared by the plugin and its loader.
#include <cstddef>

#include "comm/transport.hpp"

namespace canopy::comm {

/// kPluginFile is the plugin's file name; the loader looks for it next to libcanopy.
inline constexpr const char* kPluginFile = "libcanopy_comm.so";
/// kPluginOpenSymbol names canopy_comm_open, resolved with dlsym.
inline constexpr const char* kPluginOpenSymbol = "canopy_comm_open";

}  // namespace canopy::comm

/// canopy_comm_open bootstraps this rank (PMIx) and connects it (UCX). On success it returns a new
/// transport owned by the caller; on failure nullptr, with a message in `error` (never an exception
/// across the library boundary).
extern "C" __attribute__((visibility("default"))) canopy::comm::Transport* canopy_comm_open(char* error, std::size_t error_len);

/// CanopyCommOpen is canopy_comm_open's type, so that the loader's dlsym result is checked at compile time.
using CanopyCommOpen = decltype(&canopy_comm_open);
