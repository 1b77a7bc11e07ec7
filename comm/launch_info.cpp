// launch_info(): what mpirun (OpenMPI 4.1 / PRRTE), srun or prterun put in this process's environment.
#include <cstdlib>
#include <string>

#include "canopy/export.hpp"
#include "comm/transport.hpp"

namespace canopy::comm {

namespace {

/// positive_env returns the variable's value when it is a positive integer, else 0.
int positive_env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return 0;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  return (*end == '\0' && n > 0 && n < (1L << 30)) ? static_cast<int>(n) : 0;
}

/// pmix_server_advertised: a PMIx server left its contact URI for this process (any PMIx version).
bool pmix_server_advertised() {
  for (const char* name : {"PMIX_SERVER_URI41", "PMIX_SERVER_URI4", "PMIX_SERVER_URI3", "PMIX_SERVER_URI21",
                           "PMIX_SERVER_URI2", "PMIX_SERVER_URI"})
    if (const char* v = std::getenv(name); v && *v) return true;
  return false;
}

}  // namespace

CANOPY_EXPORT LaunchInfo launch_info() {
  LaunchInfo info;
  info.launched = pmix_server_advertised();
  if (!info.launched) return info;
  // OMPI_UNIVERSE_SIZE is the slot count, not the job size (it stays 2 under -np 4 --oversubscribe).
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE", "SLURM_NTASKS"})
    if (int n = positive_env(name)) {
      info.size = n;
      break;
    }
  return info;
}

}  // namespace canopy::comm
