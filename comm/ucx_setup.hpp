#pragma once
// The UCX settings every Canopy rank (and the raw UCX benchmark) runs with, and what the endpoints use.
#include <ucp/api/ucp.h>

#include <string>
#include <vector>

namespace canopy::comm {

/// UcxSetup is a started UCP context and the settings Canopy chose for it.
struct UcxSetup {
  ucp_context_h context = nullptr;
  std::vector<std::string> settings;  ///< "NAME=value (canopy)" or "NAME=value (environment)"
};

/// make_ucp_context starts UCP with active messages and wake-up events, and with the settings that
/// peer-failure detection needs unless the user set them: UCX_MM_ERROR_HANDLING=y (else shared memory
/// is skipped under peer error handling) and UCX_KEEPALIVE_INTERVAL=1s (else a killed peer on shared
/// memory is noticed after 20 s). Throws canopy::Error naming the failed call.
UcxSetup make_ucp_context(int estimated_endpoints);

/// endpoint_transports lists the transports an endpoint's lanes use, from ucp_ep_print_info:
/// {"sysv", "cma"} or {"tcp/lo"} (network transports carry their device).
std::vector<std::string> endpoint_transports(ucp_ep_h ep);

/// ucx_error renders a failed UCX call: "ucp_worker_create (step) failed: Out of memory".
std::string ucx_error(const char* call, const char* step, ucs_status_t status);

}  // namespace canopy::comm
