#include "code_address.hpp"

#include <link.h>

#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace canopy::rt {

namespace {

/// Module is one loaded object: its name's hash (the main program's name is empty, the same on every
/// rank), its load address, and the address ranges of its loaded segments.
struct Module {
  std::uint64_t hash = 0;
  std::uintptr_t base = 0;
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> segments;  // [begin, end)
};

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h | 1;  // never 0: {0, 0} means "none"
}

std::vector<Module> scan_modules() {
  std::vector<Module> out;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* arg) -> int {
        Module m;
        m.hash = fnv1a(info->dlpi_name ? info->dlpi_name : "");
        m.base = info->dlpi_addr;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD) continue;
          std::uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
          m.segments.emplace_back(begin, begin + ph.p_memsz);
        }
        static_cast<std::vector<Module>*>(arg)->push_back(std::move(m));
        return 0;
      },
      &out);
  return out;
}

/// Modules caches the scan; a miss rescans once, since a library may have been loaded since.
class Modules {
 public:
  template <class Match>
  const Module* find(Match match) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (int attempt = 0; attempt < 2; ++attempt) {
      for (const Module& m : modules_)
        if (match(m)) return &m;
      if (attempt == 0) modules_ = scan_modules();
    }
    return nullptr;
  }

 private:
  std::mutex mutex_;
  std::vector<Module> modules_;
};

Modules& modules() {
  static Modules m;
  return m;
}

bool contains(const Module& m, std::uintptr_t p, std::size_t size) {
  for (auto [begin, end] : m.segments)
    if (p >= begin && p + size <= end && p + size >= p) return true;
  return false;
}

}  // namespace

comm::CodeAddress code_address_of(const void* p) {
  if (!p) return {};
  auto addr = reinterpret_cast<std::uintptr_t>(p);
  const Module* m = modules().find([&](const Module& mod) { return contains(mod, addr, 1); });
  if (!m) throw Error("canopy: internal error: code at " + std::to_string(addr) + " lies in no loaded module");
  return {m->hash, addr - m->base};
}

const void* code_pointer(comm::CodeAddress a) {
  const Module* m = modules().find([&](const Module& mod) {
    return mod.hash == a.module && a.offset <= UINTPTR_MAX - mod.base && contains(mod, mod.base + a.offset, 8);
  });
  if (!m)
    throw comm::ProtocolError("canopy: a message names code (module " + std::to_string(a.module) + ", offset " +
                              std::to_string(a.offset) + ") that this program does not have");
  return reinterpret_cast<const void*>(m->base + a.offset);
}

}  // namespace canopy::rt
