// Loading UCX on demand: dlopen libucp, put back the signal handlers libucs installed, resolve symbols.
#include "ucx_library.hpp"

#include <dlfcn.h>

#include <string>

#include "comm/signal_dispositions.hpp"

namespace canopy::comm {

namespace {

// The runtime soname, not libucp.so: that link only exists where the -dev package is installed.
constexpr const char* kLibucp = "libucp.so.0";

UcxLibrary load() {
  UcxLibrary lib;
  void* handle = nullptr;
  {
    SignalDispositions before;
    handle = dlopen(kLibucp, RTLD_NOW | RTLD_LOCAL);
    before.restore();
  }
  if (!handle) {
    const char* why = dlerror();
    lib.error = std::string("UCX is not installed or cannot be loaded: ") + (why ? why : kLibucp);
    return lib;
  }
  // libucp's dependencies (libucs, libuct) are searched through its handle too. The handle is never
  // closed: unloading UCX after its constructors ran is not something UCX supports.
  std::string missing;
#define CANOPY_UCX_RESOLVE(name)                                          \
  lib.name = reinterpret_cast<decltype(lib.name)>(dlsym(handle, #name)); \
  if (!lib.name) missing += (missing.empty() ? "" : ", ") + std::string(#name);
  CANOPY_UCX_FUNCTIONS(CANOPY_UCX_RESOLVE)
#undef CANOPY_UCX_RESOLVE
  if (!missing.empty()) lib.error = std::string("UCX cannot be used: ") + kLibucp + " lacks " + missing;
  return lib;
}

}  // namespace

const UcxLibrary& ucx_library() {
  static const UcxLibrary lib = load();
  return lib;
}

}  // namespace canopy::comm
