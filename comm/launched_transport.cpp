// open_launched_transport(): load the comm plugin (UCX + PMIx) and let it bootstrap this rank.
#include <dlfcn.h>

#include <string>

#include "canopy/errors.hpp"
#include "canopy/export.hpp"
#include "comm/plugin_api.hpp"
#include "comm/signal_dispositions.hpp"

namespace canopy::comm {

namespace {

/// plugin_candidates: next to libcanopy itself (installed or build tree), then where the build put it.
std::vector<std::string> plugin_candidates() {
  std::vector<std::string> paths;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&open_launched_transport), &info) && info.dli_fname) {
    std::string self = info.dli_fname;
    auto slash = self.rfind('/');
    paths.push_back((slash == std::string::npos ? std::string(".") : self.substr(0, slash)) + "/" + kPluginFile);
  }
#ifdef CANOPY_COMM_PLUGIN_BUILD_PATH
  if (paths.empty() || paths.front() != CANOPY_COMM_PLUGIN_BUILD_PATH) paths.push_back(CANOPY_COMM_PLUGIN_BUILD_PATH);
#endif
  return paths;
}

/// load_plugin returns canopy_comm_open from the first plugin that loads. The handle is never closed:
/// UCX does not support being unloaded once its constructors ran.
CanopyCommOpen load_plugin() {
  std::string tried;
  for (const std::string& path : plugin_candidates()) {
    void* handle = nullptr;
    {
      // libucs, loaded as the plugin's dependency, installs crash handlers: put the program's back.
      SignalDispositions before;
      handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      before.restore();
    }
    if (!handle) {
      const char* why = dlerror();
      tried += "\n  " + path + ": " + (why ? why : "cannot be loaded");
      continue;
    }
    if (void* sym = dlsym(handle, kPluginOpenSymbol)) return reinterpret_cast<CanopyCommOpen>(sym);
    tried += "\n  " + path + ": has no " + kPluginOpenSymbol;
  }
  throw Error(std::string("cannot load the comm plugin (UCX + PMIx) that connects ranks; tried:") + tried);
}

}  // namespace

CANOPY_EXPORT std::unique_ptr<Transport> open_launched_transport() {
  static const CanopyCommOpen open = load_plugin();
  char error[2048] = {};
  Transport* t = nullptr;
  {
    // UCX may install handlers again when its context starts.
    SignalDispositions before;
    t = open(error, sizeof error);
    before.restore();
  }
  if (!t) throw Error(error[0] ? error : "the comm plugin failed without saying why");
  return std::unique_ptr<Transport>(t);
}

}  // namespace canopy::comm
