#pragma once
// GPU discovery. GPU tasks (canopy::on_gpu) need at least one device.
#include <string>

#include "canopy/export.hpp"

namespace canopy {

/// gpu_count is the number of CUDA devices this process can use (0 without a driver or a CUDA build).
CANOPY_EXPORT int gpu_count();
/// gpu_status says why gpu_count() is what it is ("2 devices", "no CUDA driver: ...", "built without CUDA").
CANOPY_EXPORT std::string gpu_status();

}  // namespace canopy
