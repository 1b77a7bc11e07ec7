// program_id(): the main program's NT_GNU_BUILD_ID note, found with dl_iterate_phdr (see build_id.hpp).
#include "comm/build_id.hpp"

#include <elf.h>
#include <link.h>

#include <cstdio>
#include <cstring>
#include <fstream>

namespace canopy::comm {

namespace {

/// Fnv1a hashes bytes incrementally; good enough to tell binaries apart, and stable across hosts.
struct Fnv1a {
  std::uint64_t h = 1469598103934665603ull;
  void add(const void* data, std::size_t n) {
    auto p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  }
};

/// find_build_id is dl_iterate_phdr's callback: the first object it is given is the main program.
int find_build_id(dl_phdr_info* info, std::size_t, void* out) {
  auto* hash = static_cast<Fnv1a*>(out);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    auto p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    const char* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      auto nh = reinterpret_cast<const ElfW(Nhdr)*>(p);
      const char* name = p + sizeof(ElfW(Nhdr));
      const char* desc = name + ((nh->n_namesz + 3) & ~3u);
      if (desc + nh->n_descsz > end) break;
      if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0 && nh->n_descsz > 0) {
        hash->add(desc, nh->n_descsz);
        return 1;
      }
      p = desc + ((nh->n_descsz + 3) & ~3u);
    }
  }
  return -1;  // the main program has no build id: stop, the caller falls back
}

}  // namespace

ProgramId program_id() {
  Fnv1a hash;
  if (dl_iterate_phdr(find_build_id, &hash) == 1) return {hash.h, "build id"};
  std::ifstream exe("/proc/self/exe", std::ios::binary);
  char buf[1 << 16];
  while (exe.read(buf, sizeof buf) || exe.gcount() > 0) hash.add(buf, static_cast<std::size_t>(exe.gcount()));
  return {hash.h, "contents"};
}

std::string hex(std::uint64_t id) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(id));
  return buf;
}

}  // namespace canopy::comm
