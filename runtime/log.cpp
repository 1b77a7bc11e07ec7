#include "log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <array>
#include <mutex>

#include "canopy/errors.hpp"

namespace canopy::rt {

namespace {
constexpr std::array<const char*, 5> kNames{"canopy", "sched", "deps", "comm", "gpu"};

struct Loggers {
  std::array<std::shared_ptr<spdlog::logger>, kNames.size()> all;
  Loggers() {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    for (size_t i = 0; i < kNames.size(); ++i) {
      all[i] = std::make_shared<spdlog::logger>(kNames[i], sink);
      all[i]->set_pattern("[%H:%M:%S.%e] [%n] [%^%l%$] %v");
      all[i]->set_level(spdlog::level::warn);
    }
  }
};

Loggers& loggers() {
  static Loggers l;
  return l;
}
}  // namespace

spdlog::logger& log(Subsystem s) { return *loggers().all[static_cast<size_t>(s)]; }

void set_log_level(const std::string& level) {
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw Error("canopy: unknown log level '" + level + "' (use trace, debug, info, warn, error, critical or off)");
  for (auto& l : loggers().all) l->set_level(lvl);
}

}  // namespace canopy::rt
