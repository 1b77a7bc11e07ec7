// Config overrides from the environment and the command line, parsed strictly.
#include "canopy/config.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "canopy/errors.hpp"

namespace canopy {

namespace {

long long parse_int(const std::string& where, const std::string& text, long long lo, long long hi) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || errno != 0 || *end != '\0' || v < lo || v > hi)
    throw Error("canopy: " + where + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                "], not '" + text + "'");
  return v;
}

std::size_t parse_size(const std::string& where, const std::string& text) {
  // Accepts a byte count with an optional K, M or G suffix (powers of two).
  std::string digits = text;
  std::size_t scale = 1;
  if (!digits.empty()) {
    char unit = digits.back();
    if (unit == 'K' || unit == 'k') scale = 1u << 10;
    if (unit == 'M' || unit == 'm') scale = 1u << 20;
    if (unit == 'G' || unit == 'g') scale = 1u << 30;
    if (scale != 1) digits.pop_back();
  }
  auto v = static_cast<std::size_t>(parse_int(where, digits, 1, 1ll << 40));
  std::size_t bytes = v * scale;
  if (bytes < 64 * 1024) throw Error("canopy: " + where + " must be at least 64K, not '" + text + "'");
  return bytes;
}

bool parse_bool(const std::string& where, const std::string& text) {
  if (text == "1" || text == "on" || text == "true" || text == "yes") return true;
  if (text == "0" || text == "off" || text == "false" || text == "no") return false;
  throw Error("canopy: " + where + " must be on or off, not '" + text + "'");
}

/// set applies one named setting; `where` names its origin for error messages.
bool set(Config& cfg, const std::string& key, const std::string& value, const std::string& where) {
  if (key == "workers") cfg.workers = static_cast<int>(parse_int(where, value, 0, 4096));
  else if (key == "trace") cfg.trace_path = value;
  else if (key == "log") cfg.log_level = value;
  else if (key == "stack-size") cfg.stack_size = parse_size(where, value);
  else if (key == "topology") cfg.topology = value;
  else if (key == "pin") cfg.pin_workers = parse_bool(where, value);
  else if (key == "max-fibers") cfg.max_fibers = static_cast<std::size_t>(parse_int(where, value, 1, 1ll << 32));
  else return false;
  return true;
}

constexpr const char* kEnv[][2] = {{"CANOPY_WORKERS", "workers"}, {"CANOPY_TRACE", "trace"},
                                   {"CANOPY_LOG", "log"},         {"CANOPY_STACK_SIZE", "stack-size"},
                                   {"CANOPY_TOPOLOGY", "topology"}, {"CANOPY_PIN", "pin"},
                                   {"CANOPY_MAX_FIBERS", "max-fibers"}};
}  // namespace

Config apply_env(Config cfg) {
  for (auto& [var, key] : kEnv)
    if (const char* v = std::getenv(var)) set(cfg, key, v, var);
  return cfg;
}

Config apply_flags(Config cfg, int& argc, char** argv) {
  const std::string prefix = "--canopy:";
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind(prefix, 0) != 0) {
      argv[out++] = argv[i];
      continue;
    }
    std::string key = arg.substr(prefix.size());
    std::string value;
    if (auto eq = key.find('='); eq != std::string::npos) {
      value = key.substr(eq + 1);
      key = key.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      throw Error("canopy: flag " + arg + " needs a value");
    }
    if (!set(cfg, key, value, prefix + key))
      throw Error("canopy: unknown flag " + prefix + key +
                  " (known: workers, trace, log, stack-size, topology, pin, max-fibers)");
  }
  argc = out;
  argv[out] = nullptr;
  return cfg;
}

}  // namespace canopy
