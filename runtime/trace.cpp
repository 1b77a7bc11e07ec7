#include "trace.hpp"

#include <cxxabi.h>
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include "canopy/errors.hpp"
#include "log.hpp"

namespace canopy::rt {

namespace {
std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      continue;
    }
    out += c;
  }
  return out;
}

std::string readable_name(const detail::FrameOps* ops, const void* fn) {
  int status = 0;
  const char* mangled = ops->type_name();
  Dl_info info{};
  if (fn && dladdr(fn, &info) && info.dli_sname) mangled = info.dli_sname;
  char* d = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string name = status == 0 && d ? d : mangled;
  std::free(d);
  return name;
}
}  // namespace

Tracer::Tracer(std::string path, int workers, int rank) : path_(std::move(path)), rank_(rank), buffers_(workers) {
  for (int i = 0; i < workers; ++i) {
    buffers_[static_cast<size_t>(i)].worker = i;
    buffers_[static_cast<size_t>(i)].slices.reserve(1 << 16);
  }
}

void Tracer::write() const {
  std::ofstream out(path_);
  if (!out) {
    log(Subsystem::runtime).error("cannot write the trace file '{}'", path_);
    return;
  }
  std::int64_t origin = INT64_MAX;
  for (auto& b : buffers_)
    for (auto& s : b.slices) origin = std::min(origin, s.start_ns);
  std::map<std::pair<const void*, const void*>, std::string> names;
  out << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  bool first = true;
  for (auto& b : buffers_) {
    out << (first ? "" : ",\n") << "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":" << rank_ << ",\"tid\":" << b.worker
        << ",\"args\":{\"name\":\"worker " << b.worker << "\"}}";
    first = false;
    for (auto& s : b.slices) {
      auto key = std::make_pair(static_cast<const void*>(s.ops), s.function);
      auto it = names.find(key);
      if (it == names.end()) it = names.emplace(key, json_escape(readable_name(s.ops, s.function))).first;
      char times[96];
      std::snprintf(times, sizeof times, "\"ts\":%.3f,\"dur\":%.3f", (s.start_ns - origin) / 1000.0,
                    (s.end_ns - s.start_ns) / 1000.0);
      out << ",\n{\"name\":\"" << it->second << "\",\"ph\":\"X\",\"pid\":" << rank_ << ",\"tid\":" << b.worker << ","
          << times << ",\"args\":{\"id\":" << s.id << ",\"parent\":" << s.parent << ",\"depth\":" << s.depth << "}}";
    }
  }
  out << "\n]}\n";
  log(Subsystem::runtime).info("trace written to {}", path_);
}

}  // namespace canopy::rt
