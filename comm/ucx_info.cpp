// UCX transport listing through the UCT resource API (the same walk `ucx_info -d` does). UCX is called
// through ucx_library(), so nothing here maps UCX until a listing is asked for.
#include "ucx_info.hpp"

#include <memory>
#include <string>
#include <vector>

#include "ucx_library.hpp"

namespace canopy::comm {

namespace {

const char* device_type_name(uct_device_type_t type) {
  switch (type) {
    case UCT_DEVICE_TYPE_NET: return "net";
    case UCT_DEVICE_TYPE_SHM: return "shm";
    case UCT_DEVICE_TYPE_ACC: return "acc";
    case UCT_DEVICE_TYPE_SELF: return "self";
    default: return "unknown";
  }
}

std::string failure(const UcxLibrary& ucx, const std::string& what, ucs_status_t status) {
  return what + ": " + ucx.ucs_status_string(status);
}

/// list_md appends the transports of memory domain `md_name` of `component` to `out`.
/// A memory domain that cannot be opened (no device, no permission) offers no transports; ucx_info
/// skips it the same way, so that is not an error.
void list_md(const UcxLibrary& ucx, uct_component_h component, const char* component_name, const char* md_name,
             std::vector<UctResource>& out) {
  uct_md_config_t* config = nullptr;
  if (ucx.uct_md_config_read(component, nullptr, nullptr, &config) != UCS_OK) return;
  std::unique_ptr<uct_md_config_t, void (*)(void*)> config_guard(config, ucx.uct_config_release);

  uct_md_h md = nullptr;
  if (ucx.uct_md_open(component, md_name, config, &md) != UCS_OK) return;
  std::unique_ptr<uct_md, void (*)(uct_md_h)> md_guard(md, ucx.uct_md_close);

  uct_tl_resource_desc_t* resources = nullptr;
  unsigned count = 0;
  if (ucx.uct_md_query_tl_resources(md, &resources, &count) != UCS_OK) return;
  for (unsigned i = 0; i < count; ++i)
    out.push_back(UctResource{component_name, md_name, resources[i].tl_name, resources[i].dev_name,
                              device_type_name(resources[i].dev_type)});
  ucx.uct_release_tl_resource_list(resources);
}

}  // namespace

std::string ucx_api_version() { return std::to_string(UCP_API_MAJOR) + "." + std::to_string(UCP_API_MINOR); }

UcxInventory ucx_inventory() {
  UcxInventory inv;
  const UcxLibrary& ucx = ucx_library();
  if (!ucx.error.empty()) {
    inv.error = ucx.error;
    return inv;
  }
  inv.version = ucx.ucp_get_version_string();

  uct_component_h* components = nullptr;
  unsigned ncomponents = 0;
  ucs_status_t status = ucx.uct_query_components(&components, &ncomponents);
  if (status != UCS_OK) {
    inv.error = failure(ucx, "uct_query_components", status);
    return inv;
  }
  std::unique_ptr<uct_component_h, void (*)(uct_component_h*)> guard(components, ucx.uct_release_component_list);

  for (unsigned c = 0; c < ncomponents; ++c) {
    uct_component_attr_t attr{};
    attr.field_mask = UCT_COMPONENT_ATTR_FIELD_NAME | UCT_COMPONENT_ATTR_FIELD_MD_RESOURCE_COUNT;
    if ((status = ucx.uct_component_query(components[c], &attr)) != UCS_OK) {
      inv.error = failure(ucx, "uct_component_query", status);
      continue;
    }
    std::vector<uct_md_resource_desc_t> mds(attr.md_resource_count);
    attr.field_mask = UCT_COMPONENT_ATTR_FIELD_MD_RESOURCES;
    attr.md_resources = mds.data();
    if (!mds.empty() && (status = ucx.uct_component_query(components[c], &attr)) != UCS_OK) {
      inv.error = failure(ucx, std::string("uct_component_query(") + attr.name + ")", status);
      continue;
    }
    for (const auto& md : mds) list_md(ucx, components[c], attr.name, md.md_name, inv.transports);
  }
  return inv;
}

}  // namespace canopy::comm
