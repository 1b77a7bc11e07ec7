// UCP context creation with Canopy's settings, and the transports an endpoint uses (see ucx_setup.hpp).
#include "comm/ucx_setup.hpp"

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>

#include "canopy/errors.hpp"

namespace canopy::comm {

std::string ucx_error(const char* call, const char* step, ucs_status_t status) {
  return std::string(call) + " (" + step + ") failed: " + ucs_status_string(status);
}

namespace {

/// Setting is one UCX variable (without its UCX_ prefix) that Canopy sets unless the user did.
struct Setting {
  const char* name;
  const char* value;
  bool shm_only;  ///< a shared-memory transport's setting: UCX warns about it when none is enabled
};
constexpr Setting kSettings[] = {
    {"MM_ERROR_HANDLING", "y", true},     // keep sysv/posix usable with UCP_ERR_HANDLING_MODE_PEER
    {"KEEPALIVE_INTERVAL", "1s", false},  // a killed peer on shared memory is seen in about 2 s, not 20
};

/// shm_enabled: UCX_TLS leaves the shared-memory transports (sysv, posix) available.
bool shm_enabled() {
  const char* tls = std::getenv("UCX_TLS");
  if (!tls || !*tls || tls[0] == '^') return true;
  std::string list = std::string(",") + tls + ",";
  for (const char* name : {",all,", ",shm,", ",sm,", ",mm,", ",sysv,", ",posix,"})
    if (list.find(name) != std::string::npos) return true;
  return false;
}

}  // namespace

UcxSetup make_ucp_context(int estimated_endpoints) {
  UcxSetup out;
  ucp_config_t* config = nullptr;
  ucs_status_t st = ucp_config_read(nullptr, nullptr, &config);
  if (st != UCS_OK) throw Error(ucx_error("ucp_config_read", "reading UCX_* settings", st));
  for (const Setting& s : kSettings) {
    if (s.shm_only && !shm_enabled()) continue;
    std::string env = std::string("UCX_") + s.name;
    if (const char* user = std::getenv(env.c_str())) {
      out.settings.push_back(env + "=" + user + " (environment)");
      continue;
    }
    st = ucp_config_modify(config, s.name, s.value);
    if (st != UCS_OK) {
      ucp_config_release(config);
      throw Error(ucx_error("ucp_config_modify", env.c_str(), st));
    }
    out.settings.push_back(env + "=" + s.value + " (canopy)");
  }
  ucp_params_t params{};
  params.field_mask = UCP_PARAM_FIELD_FEATURES | UCP_PARAM_FIELD_ESTIMATED_NUM_EPS | UCP_PARAM_FIELD_MT_WORKERS_SHARED;
  params.features = UCP_FEATURE_AM | UCP_FEATURE_WAKEUP;
  params.estimated_num_eps = static_cast<size_t>(estimated_endpoints);
  params.mt_workers_shared = 0;
  st = ucp_init(&params, config, &out.context);
  ucp_config_release(config);
  if (st != UCS_OK) throw Error(ucx_error("ucp_init", "starting UCX with active messages", st));
  return out;
}

std::vector<std::string> endpoint_transports(ucp_ep_h ep) {
  std::vector<std::string> out;
  char* text = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&text, &len);
  if (!f) return out;
  ucp_ep_print_info(ep, f);
  std::fclose(f);
  // A lane reads "lane[0]:  2:sysv/memory.0 md[2] -> ..." or "lane[1]:  0:tcp/lo.0 md[0] ...".
  static const std::regex lane(R"(lane\[\d+\]:\s+\d+:([A-Za-z0-9_]+)/([^ .]+))");
  std::string s(text ? text : "", len);
  std::free(text);
  for (std::sregex_iterator it(s.begin(), s.end(), lane), end; it != end; ++it) {
    std::string tl = (*it)[1], dev = (*it)[2];
    bool shared = dev == "memory" || dev.rfind("memory", 0) == 0;
    std::string name = shared || tl == "self" ? tl : tl + "/" + dev;
    bool seen = false;
    for (const std::string& n : out) seen = seen || n == name;
    if (!seen) out.push_back(name);
  }
  return out;
}

}  // namespace canopy::comm
