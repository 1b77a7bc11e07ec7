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

/// resolve finds the module a code address names and checks that the address lies in it.
const void* resolve(comm::CodeAddress a) {
  const Module* m = modules().find([&](const Module& mod) {
    return mod.hash == a.module && a.offset <= UINTPTR_MAX - mod.base && contains(mod, mod.base + a.offset, 8);
  });
  if (!m)
    throw comm::ProtocolError("canopy: a message names code (module " + std::to_string(a.module) + ", offset " +
                              std::to_string(a.offset) + ") that this program does not have");
  return reinterpret_cast<const void*>(m->base + a.offset);
}

/// Recent remembers the last few translations a thread made: a stream of messages names the same few
/// entries, and the module table sits behind a mutex.
struct Recent {
  struct Pair {
    comm::CodeAddress address;
    const void* pointer = nullptr;
  };
  Pair pairs[4];
  unsigned next = 0;
  void remember(comm::CodeAddress a, const void* p) { pairs[next++ % 4] = {a, p}; }
};
thread_local Recent recent;

}  // namespace

comm::CodeAddress code_address_of(const void* p) {
  if (!p) return {};
  for (const Recent::Pair& r : recent.pairs)
    if (r.pointer == p) return r.address;
  auto addr = reinterpret_cast<std::uintptr_t>(p);
  const Module* m = modules().find([&](const Module& mod) { return contains(mod, addr, 1); });
  if (!m) throw Error("canopy: internal error: code at " + std::to_string(addr) + " lies in no loaded module");
  comm::CodeAddress a{m->hash, addr - m->base};
  recent.remember(a, p);
  return a;
}

const void* code_pointer(comm::CodeAddress a) {
  for (const Recent::Pair& r : recent.pairs)
    if (r.pointer && r.address == a) return r.pointer;
  const void* p = resolve(a);
  recent.remember(a, p);
  return p;
}

}  // namespace canopy::rt
