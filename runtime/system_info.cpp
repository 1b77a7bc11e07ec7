// system_info(): versions, topology, worker placement, GPUs and UCX transports, and their JSON form.
#include "canopy/system_info.hpp"

#include <boost/version.hpp>
#include <fmt/core.h>
#include <hwloc.h>
#include <spdlog/version.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "canopy/config.hpp"
#include "canopy/errors.hpp"
#include "canopy/gpu.hpp"
#include "canopy/version.hpp"
#include "comm/ucx_info.hpp"
#include "scheduler/topology.hpp"

#if CANOPY_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace canopy {

namespace {

std::string dotted(unsigned major, unsigned minor, unsigned patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

std::string compiler_name() {
#if defined(__clang__)
  return "Clang " + dotted(__clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  return "GCC " + dotted(__GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
  return "unknown compiler";
#endif
}

#if CANOPY_HAVE_CUDA
/// cuda_version turns CUDA's 1000 * major + 10 * minor into "major.minor"; 0 (no driver) into "".
std::string cuda_version(int v) {
  return v <= 0 ? std::string() : std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10);
}

std::vector<SystemInfo::Gpu> cuda_devices(int count) {
  std::vector<SystemInfo::Gpu> gpus;
  for (int i = 0; i < count; ++i) {
    SystemInfo::Gpu g;
    g.index = i;
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) == cudaSuccess) {
      g.name = prop.name;
      g.memory_bytes = prop.totalGlobalMem;
      g.compute_capability = std::to_string(prop.major) + "." + std::to_string(prop.minor);
    }
    char bus[32] = {};
    if (cudaDeviceGetPCIBusId(bus, static_cast<int>(sizeof bus), i) == cudaSuccess) g.pci_bus_id = bus;
    cudaGetLastError();  // clear a sticky error from either query
    gpus.push_back(std::move(g));
  }
  return gpus;
}
#endif

std::vector<SystemInfo::Dependency> dependencies(const std::string& ucx_runtime) {
  unsigned api = hwloc_get_api_version();
  auto hwloc_api = [](unsigned v) { return dotted(v >> 16, (v >> 8) & 0xff, v & 0xff); };
  std::vector<SystemInfo::Dependency> deps = {
      {"hwloc", std::string(HWLOC_VERSION) + " (API " + hwloc_api(HWLOC_API_VERSION) + ")", "API " + hwloc_api(api)},
      {"ucx", comm::ucx_api_version(), ucx_runtime},
      {"boost", dotted(BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100), ""},
      {"spdlog", dotted(SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH), ""},
      {"fmt", dotted(FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100), ""},
  };
#if CANOPY_HAVE_CUDA
  int runtime = 0, driver = 0;
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);  // succeeds with 0 when there is no driver
  deps.push_back({"cuda_runtime", cuda_version(CUDART_VERSION), cuda_version(runtime)});
  deps.push_back({"cuda_driver", "", driver > 0 ? cuda_version(driver) : "none"});
#endif
  return deps;
}

SystemInfo::Topology describe(const sched::Topology& topo) {
  SystemInfo::Topology t;
  const std::string& src = topo.source();  // "this system", "synthetic: ..." or "xml: ..."
  auto colon = src.find(": ");
  t.source = colon == std::string::npos ? src : src.substr(0, colon);
  if (colon != std::string::npos) t.description = src.substr(colon + 2);
  t.sockets = topo.sockets();
  t.numa_nodes = topo.numa_nodes();
  t.cores = topo.cores();
  t.pus = topo.pus();
  for (int s = 0; s < t.sockets; ++s) t.cores_per_socket.push_back(topo.cores_in_socket(s));
  return t;
}

}  // namespace

SystemInfo system_info(const std::string& topology, int workers) {
  if (workers < 0 || workers > 4096)
    throw Error("canopy::system_info: workers must be in [0, 4096], not " + std::to_string(workers));
  const Config env = apply_env(Config{});
  const std::string source = topology.empty() ? env.topology : topology;
  if (workers == 0) workers = env.workers;

  SystemInfo info;
  info.version = CANOPY_VERSION_STRING;
  info.compiler = compiler_name();
  info.built_with_cuda = CANOPY_HAVE_CUDA != 0;

  try {
    sched::Topology topo = sched::Topology::discover(source);
    info.topology = describe(topo);
    for (const sched::WorkerSlot& s : topo.place_workers(workers > 0 ? workers : topo.cores()))
      info.workers.push_back({s.worker, s.socket, s.core, s.pu_os_index, s.numa_node});
  } catch (const std::runtime_error& e) {
    throw Error(e.what());  // "canopy topology: cannot use topology ..."
  }

  info.gpu_count = gpu_count();
  info.gpu_status = gpu_status();
#if CANOPY_HAVE_CUDA
  info.gpus = cuda_devices(info.gpu_count);
#endif

  comm::UcxInventory ucx = comm::ucx_inventory();
  info.ucx_version = ucx.version;
  info.ucx_error = ucx.error;
  for (const comm::UctResource& r : ucx.transports)
    info.ucx_transports.push_back({r.transport, r.device, r.device_type, r.memory_domain});
  info.dependencies = dependencies(ucx.version);
  return info;
}

// ---- JSON --------------------------------------------------------------------------------------

namespace {

/// quote renders `s` as a JSON string; bytes that are not valid UTF-8 become U+FFFD.
std::string quote(const std::string& s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c >= 0x80) {
      // Length of the sequence from its lead byte, then check the continuation bytes.
      std::size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
      bool ok = n != 0 && i + n <= s.size();
      for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
      if (ok) {
        out.append(s, i, n);
        i += n;
        continue;
      }
      out += "\\ufffd";
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  return out + "\"";
}

std::string nullable(const std::string& s) { return s.empty() ? "null" : quote(s); }

using Fields = std::vector<std::pair<std::string, std::string>>;  // key, rendered value

/// join renders items between `open` and `close`, one per line at nesting depth `depth`, or on one
/// line when `flat`.
std::string join(const std::vector<std::string>& items, char open, char close, int depth, bool flat) {
  if (items.empty()) return std::string{open, close};
  const std::string indent(static_cast<std::size_t>(2 * depth), ' ');
  const std::string first = flat ? "" : "\n" + indent + "  ";
  const std::string separator = flat ? ", " : ",\n" + indent + "  ";
  std::string out(1, open);
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? separator : first) + items[i];
  return out + (flat ? "" : "\n" + indent) + close;
}

std::string object(const Fields& fields, int depth, bool flat = false) {
  std::vector<std::string> items;
  for (const auto& [key, value] : fields) items.push_back(quote(key) + ": " + value);
  return join(items, '{', '}', depth, flat);
}

std::string array(const std::vector<std::string>& items, int depth, bool flat = false) {
  return join(items, '[', ']', depth, flat);
}

std::string num(long long v) { return std::to_string(v); }

}  // namespace

std::string to_json(const SystemInfo& info) {
  Fields deps;
  for (const auto& d : info.dependencies)
    deps.emplace_back(d.name, object({{"build", nullable(d.build)}, {"runtime", nullable(d.runtime)}}, 2, true));

  const SystemInfo::Topology& t = info.topology;
  std::vector<std::string> per_socket;
  for (int c : t.cores_per_socket) per_socket.push_back(num(c));
  Fields topo = {{"source", quote(t.source)},       {"description", nullable(t.description)},
                 {"sockets", num(t.sockets)},      {"numa_nodes", num(t.numa_nodes)},
                 {"cores", num(t.cores)},          {"pus", num(t.pus)},
                 {"cores_per_socket", array(per_socket, 2, true)}};

  std::vector<std::string> workers;
  for (const auto& w : info.workers)
    workers.push_back(object({{"worker", num(w.worker)}, {"socket", num(w.socket)}, {"core", num(w.core)},
                              {"pu", num(w.pu)}, {"numa_node", num(w.numa_node)}},
                             2, true));

  std::vector<std::string> devices;
  for (const auto& g : info.gpus)
    devices.push_back(object({{"index", num(g.index)}, {"name", quote(g.name)},
                              {"memory_bytes", num(static_cast<long long>(g.memory_bytes))},
                              {"pci_bus_id", nullable(g.pci_bus_id)},
                              {"compute_capability", nullable(g.compute_capability)}},
                             3, true));

  std::vector<std::string> transports;
  for (const auto& tr : info.ucx_transports)
    transports.push_back(object({{"transport", quote(tr.transport)}, {"device", quote(tr.device)},
                                 {"type", quote(tr.type)}, {"memory_domain", quote(tr.memory_domain)}},
                                3, true));

  Fields doc = {
      {"canopy", object({{"version", quote(info.version)},
                         {"compiler", quote(info.compiler)},
                         {"cuda", info.built_with_cuda ? "true" : "false"}},
                        1)},
      {"dependencies", object(deps, 1)},
      {"topology", object(topo, 1)},
      {"workers", array(workers, 1)},
      {"gpus", object({{"count", num(info.gpu_count)},
                       {"status", quote(info.gpu_status)},
                       {"devices", array(devices, 2)}},
                      1)},
      {"job", object({{"rank", num(info.job.rank)},
                      {"ranks", num(info.job.ranks)},
                      {"workers", num(info.job.workers)},
                      {"transport", quote(info.job.transport)}},
                     1)},
      {"ucx", object({{"version", nullable(info.ucx_version)},
                      {"transports", array(transports, 2)},
                      {"error", nullable(info.ucx_error)}},
                     1)},
  };
  return object(doc, 0) + "\n";
}

}  // namespace canopy
