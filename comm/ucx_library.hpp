#pragma once
// UCX entry points resolved at run time. libcanopy does not link UCX: loading libucs installs UCX's
// SIGSEGV/SIGBUS/... handlers, which would then report every crash of every Canopy program, so UCX is
// mapped only when something actually asks it a question (today: the transport listing).
#include <ucp/api/ucp.h>
#include <uct/api/uct.h>

#include <string>

namespace canopy::comm {

// The UCX functions Canopy calls, X(name). Only real exported functions belong here: some of the API is
// inline in the headers (ucp_init wraps ucp_init_version, for one) and must be resolved by its target.
#define CANOPY_UCX_FUNCTIONS(X)                                                                    \
  X(ucp_get_version_string)                                                                        \
  X(ucs_status_string)                                                                             \
  X(uct_query_components)                                                                          \
  X(uct_release_component_list)                                                                    \
  X(uct_component_query)                                                                           \
  X(uct_md_config_read)                                                                            \
  X(uct_config_release)                                                                            \
  X(uct_md_open)                                                                                   \
  X(uct_md_close)                                                                                  \
  X(uct_md_query_tl_resources)                                                                     \
  X(uct_release_tl_resource_list)

/// UcxLibrary holds one pointer per function of CANOPY_UCX_FUNCTIONS, typed from the headers'
/// prototypes so a mismatch is a compile error, not a crash.
struct UcxLibrary {
  std::string error;  ///< why UCX cannot be used; when empty, every pointer below is set
#define CANOPY_UCX_POINTER(name) decltype(&::name) name = nullptr;
  CANOPY_UCX_FUNCTIONS(CANOPY_UCX_POINTER)
#undef CANOPY_UCX_POINTER
};

/// ucx_library loads libucp (and with it libucs and libuct) on its first call, once per process; later
/// calls return the same result. Loading leaves the process's signal handlers as they were.
const UcxLibrary& ucx_library();

}  // namespace canopy::comm
