// canopy-info: what the runtime sees here (versions, topology, worker placement, GPUs, UCX transports),
// in the spirit of lstopo and ucx_info. Uses only the public API.
#include <canopy/canopy.hpp>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

namespace {

constexpr const char* kUsage =
    "Usage: canopy-info [--json] [--topology DESC] [--workers N]\n"
    "\n"
    "Shows the Canopy build, its libraries, the machine's topology, where N workers would be pinned,\n"
    "the GPUs, the UCX transports and, under mpirun, each rank's place in the job.\n"
    "\n"
    "  --json             print one JSON document instead of text\n"
    "  --topology DESC    use an hwloc synthetic description (\"package:2 core:4 pu:1\") or an .xml file\n"
    "                     instead of this machine (HWLOC_SYNTHETIC / HWLOC_XMLFILE work too)\n"
    "  --workers N        show the placement of N workers (default: CANOPY_WORKERS, else one per core)\n"
    "  -h, --help         show this help\n";

struct Options {
  bool json = false;
  std::string topology;
  int workers = 0;
};

[[noreturn]] void usage_error(const std::string& what) {
  std::fprintf(stderr, "canopy-info: %s\n\n%s", what.c_str(), kUsage);
  std::exit(2);
}

int parse_workers(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || errno != 0 || *end != '\0' || v < 1 || v > 4096)
    usage_error("--workers must be an integer in [1, 4096], not '" + text + "'");
  return static_cast<int>(v);
}

Options parse(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_value = false;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    auto take_value = [&]() -> std::string {
      if (has_value) return value;
      if (i + 1 >= argc) usage_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (arg == "--json" && !has_value) {
      opt.json = true;
    } else if (arg == "--topology") {
      opt.topology = take_value();
      if (opt.topology.empty()) usage_error("--topology needs a non-empty description or file");
    } else if (arg == "--workers") {
      opt.workers = parse_workers(take_value());
    } else {
      usage_error(std::string("unknown argument '") + argv[i] + "'");
    }
  }
  return opt;
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string gib(std::size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1u << 30));
  return buf;
}

void print_job(const canopy::SystemInfo& info) {
  std::printf("%-16s rank %d of %d, %d worker(s), transport %s\n", "Job", info.job.rank, info.job.ranks,
              info.job.workers, info.job.transport.c_str());
}

void print_text(const canopy::SystemInfo& info) {
  std::printf("Canopy %s (%s, %s)\n", info.version.c_str(), info.compiler.c_str(),
              info.built_with_cuda ? "with CUDA" : "without CUDA");

  std::printf("\n%-16s %-20s %s\n", "Libraries", "built with", "loaded");
  for (const auto& d : info.dependencies)
    std::printf("  %-14s %-20s %s\n", d.name.c_str(), or_dash(d.build).c_str(), or_dash(d.runtime).c_str());

  const auto& t = info.topology;
  std::printf("\n%-16s %s%s%s\n", "Topology", t.source.c_str(), t.description.empty() ? "" : ": ",
              t.description.c_str());
  std::printf("  %-14s %d\n", "sockets", t.sockets);
  std::printf("  %-14s %d\n", "NUMA nodes", t.numa_nodes);
  std::string per_socket;
  for (std::size_t s = 0; s < t.cores_per_socket.size(); ++s)
    per_socket += (s ? " + " : "") + std::to_string(t.cores_per_socket[s]);
  std::printf("  %-14s %d (%s per socket)\n", "cores", t.cores, per_socket.c_str());
  std::printf("  %-14s %d\n", "PUs", t.pus);

  int n = static_cast<int>(info.workers.size());
  std::printf("\n%-16s %d%s\n", "Workers", n, n > t.cores ? " (more than cores: oversubscribed)" : "");
  std::printf("  %6s %6s %6s %6s %6s\n", "worker", "socket", "core", "PU", "NUMA");
  for (const auto& w : info.workers)
    std::printf("  %6d %6d %6d %6d %6d\n", w.worker, w.socket, w.core, w.pu, w.numa_node);

  std::printf("\n%-16s %d (%s)\n", "GPUs", info.gpu_count, info.gpu_status.c_str());
  for (const auto& g : info.gpus)
    std::printf("  %-3d %-28s %-10s %-14s sm %s\n", g.index, or_dash(g.name).c_str(), gib(g.memory_bytes).c_str(),
                or_dash(g.pci_bus_id).c_str(), or_dash(g.compute_capability).c_str());

  std::printf("\n");
  print_job(info);

  std::printf("\n%-16s %zu transport(s), UCX %s\n", "UCX", info.ucx_transports.size(),
              or_dash(info.ucx_version).c_str());
  for (const auto& tr : info.ucx_transports)
    std::printf("  %-30s %-5s (memory domain %s)\n", (tr.transport + "/" + tr.device).c_str(), tr.type.c_str(),
                tr.memory_domain.c_str());
  if (!info.ucx_error.empty()) std::printf("  incomplete: %s\n", info.ucx_error.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse(argc, argv);
  try {
    canopy::SystemInfo info = canopy::system_info(opt.topology, opt.workers);
    // A runtime joins the job when mpirun started this process: it knows the rank, its share of the
    // node's workers and the transport in use.
    canopy::Config cfg;
    cfg.workers = opt.workers;
    cfg.topology = opt.topology;
    cfg.pin_workers = false;
    canopy::Runtime rt(cfg);
    info.job = {rt.rank(), rt.ranks(), rt.workers(), rt.transport()};
    if (rt.rank() != 0 && !opt.json) {
      print_job(info);  // rank 0 prints the rest
      return 0;
    }
    if (opt.json)
      std::fputs(canopy::to_json(info).c_str(), stdout);
    else
      print_text(info);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "canopy-info: %s\n", e.what());
    return 1;
  }
  return 0;
}
