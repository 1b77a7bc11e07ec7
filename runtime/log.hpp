#pragma once
// Logging: one spdlog logger per subsystem, all quiet (warn) unless CANOPY_LOG says otherwise.
#include <spdlog/spdlog.h>

#include <string>

namespace canopy::rt {

enum class Subsystem { runtime, sched, deps, comm, gpu };

/// log returns the subsystem's logger (created on first use, writing to stderr).
spdlog::logger& log(Subsystem s);
/// set_log_level applies a level name (trace, debug, info, warn, error, critical, off) to every logger;
/// throws canopy::Error on an unknown name.
void set_log_level(const std::string& level);

}  // namespace canopy::rt
