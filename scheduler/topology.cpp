#include "topology.hpp"

#include <hwloc.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <utility>

#include "canopy/errors.hpp"

namespace canopy::sched {

namespace {
struct CoreRecord {
  int socket;
  int numa;
  int pu_os_index;
};
}  // namespace

struct Topology::Impl {
  hwloc_topology_t topo = nullptr;
  std::string source;
  std::vector<CoreRecord> cores;            // in logical (depth-first) order
  std::vector<int> cores_per_socket;
  int numa_nodes = 0;
  int pus = 0;

  ~Impl() {
    if (topo) hwloc_topology_destroy(topo);
  }
};

namespace {

void fail(const std::string& what) { throw canopy::Error("canopy: topology: " + what); }

int socket_of(hwloc_topology_t topo, hwloc_obj_t core) {
  hwloc_obj_t pkg = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, core);
  return pkg ? static_cast<int>(pkg->logical_index) : 0;
}

int numa_of(hwloc_topology_t topo, hwloc_obj_t core) {
  // NUMA nodes are memory children of an ancestor; the first one whose nodeset intersects the core's wins.
  hwloc_obj_t numa = nullptr;
  while ((numa = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, numa)) != nullptr) {
    if (hwloc_bitmap_intersects(numa->cpuset, core->cpuset)) return static_cast<int>(numa->logical_index);
  }
  return 0;
}

}  // namespace

Topology Topology::discover(const std::string& source) {
  auto impl = std::make_unique<Impl>();
  if (hwloc_topology_init(&impl->topo) != 0) fail("hwloc_topology_init failed");
  if (!source.empty()) {
    bool is_xml = source.size() > 4 && source.compare(source.size() - 4, 4, ".xml") == 0;
    int rc = is_xml ? hwloc_topology_set_xml(impl->topo, source.c_str())
                    : hwloc_topology_set_synthetic(impl->topo, source.c_str());
    if (rc != 0) fail("cannot use topology '" + source + "' (not a valid synthetic description or XML file)");
    impl->source = (is_xml ? "xml: " : "synthetic: ") + source;
  }
  if (hwloc_topology_load(impl->topo) != 0) fail("hwloc_topology_load failed");
  if (impl->source.empty()) {
    const char* env = std::getenv("HWLOC_SYNTHETIC");
    const char* xml = std::getenv("HWLOC_XMLFILE");
    impl->source = (env && *env) ? std::string("synthetic: ") + env
                   : (xml && *xml) ? std::string("xml: ") + xml
                                   : std::string("this system");
  }

  hwloc_topology_t topo = impl->topo;
  int npkg = std::max(1, hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE));
  impl->cores_per_socket.assign(static_cast<size_t>(npkg), 0);
  impl->numa_nodes = std::max(1, hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE));
  impl->pus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);

  hwloc_obj_t core = nullptr;
  while ((core = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_CORE, core)) != nullptr) {
    hwloc_obj_t pu = hwloc_get_obj_inside_cpuset_by_type(topo, core->cpuset, HWLOC_OBJ_PU, 0);
    CoreRecord rec{socket_of(topo, core), numa_of(topo, core), pu ? static_cast<int>(pu->os_index) : 0};
    impl->cores.push_back(rec);
    impl->cores_per_socket[static_cast<size_t>(rec.socket)]++;
  }
  if (impl->cores.empty()) {
    // Some virtual machines expose PUs without cores: treat each PU as a core.
    hwloc_obj_t pu = nullptr;
    while ((pu = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, pu)) != nullptr) {
      CoreRecord rec{socket_of(topo, pu), numa_of(topo, pu), static_cast<int>(pu->os_index)};
      impl->cores.push_back(rec);
      impl->cores_per_socket[static_cast<size_t>(rec.socket)]++;
    }
  }
  if (impl->cores.empty()) fail("hwloc reports no cores and no PUs");
  return Topology(std::move(impl));
}

Topology::Topology(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Topology::Topology(Topology&&) noexcept = default;
Topology& Topology::operator=(Topology&&) noexcept = default;
Topology::~Topology() = default;

int Topology::sockets() const { return static_cast<int>(impl_->cores_per_socket.size()); }
int Topology::numa_nodes() const { return impl_->numa_nodes; }
int Topology::cores() const { return static_cast<int>(impl_->cores.size()); }
int Topology::pus() const { return impl_->pus; }
int Topology::cores_in_socket(int socket) const {
  return impl_->cores_per_socket.at(static_cast<size_t>(socket));
}
bool Topology::is_this_system() const { return hwloc_topology_is_thissystem(impl_->topo) != 0; }
const std::string& Topology::source() const { return impl_->source; }

namespace {
/// share_range is the run [begin, end) of the `total` cores that the share_index-th of share_count
/// ranks on a node uses: consecutive runs, or a core each when there are more ranks than cores.
std::pair<int, int> share_range(int total, int share_index, int share_count) {
  if (share_count <= 1) return {0, total};
  if (share_count >= total) return {share_index % total, share_index % total + 1};
  return {static_cast<int>(static_cast<long>(share_index) * total / share_count),
          static_cast<int>(static_cast<long>(share_index + 1) * total / share_count)};
}
}  // namespace

int Topology::cores_in_share(int share_index, int share_count) const {
  auto [begin, end] = share_range(cores(), share_index, share_count);
  return end - begin;
}

std::vector<WorkerSlot> Topology::place_workers(int n, int share_index, int share_count) const {
  auto [begin, end] = share_range(cores(), share_index, share_count);
  // Order the cores socket by socket interleaved (s0c0, s1c0, s0c1, ...) so that any prefix of the
  // order spreads over the sockets in proportion to their sizes.
  const int nsock = sockets();
  std::vector<std::vector<int>> by_socket(static_cast<size_t>(nsock));
  for (int c = begin; c < end; ++c) by_socket[static_cast<size_t>(impl_->cores[static_cast<size_t>(c)].socket)].push_back(c);
  std::vector<int> order;
  for (size_t round = 0; order.size() < static_cast<size_t>(end - begin); ++round)
    for (auto& list : by_socket)
      if (round < list.size()) order.push_back(list[round]);

  std::vector<WorkerSlot> slots;
  slots.reserve(static_cast<size_t>(n));
  for (int w = 0; w < n; ++w) {
    int c = order[static_cast<size_t>(w) % order.size()];
    const CoreRecord& rec = impl_->cores[static_cast<size_t>(c)];
    slots.push_back(WorkerSlot{w, rec.socket, c, rec.pu_os_index, rec.numa});
  }
  // Workers of one socket get consecutive indices: the scheduler groups them into one domain.
  std::stable_sort(slots.begin(), slots.end(), [](const WorkerSlot& a, const WorkerSlot& b) { return a.socket < b.socket; });
  for (int w = 0; w < n; ++w) slots[static_cast<size_t>(w)].worker = w;
  return slots;
}

bool Topology::bind_current_thread(const WorkerSlot& slot) const {
  if (!is_this_system()) return false;
  hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(impl_->topo, static_cast<unsigned>(slot.pu_os_index));
  if (!pu) return false;
  return hwloc_set_cpubind(impl_->topo, pu->cpuset, HWLOC_CPUBIND_THREAD) == 0;
}

}  // namespace canopy::sched
