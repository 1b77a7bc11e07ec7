// GPU discovery through the CUDA runtime, when Canopy is built with CUDA.
#include <string>

#include "canopy/gpu.hpp"

#if CANOPY_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace canopy {

namespace {
struct Probe {
  int count = 0;
  std::string status;
  Probe() {
#if CANOPY_HAVE_CUDA
    int n = 0;  // cudaGetDeviceCount leaves it untouched on error
    cudaError_t rc = cudaGetDeviceCount(&n);
    if (rc != cudaSuccess) {
      status = std::string("no usable GPU: ") + cudaGetErrorName(rc) + ": " + cudaGetErrorString(rc);
      cudaGetLastError();  // clear the sticky error
      return;
    }
    count = n;
    status = std::to_string(n) + " CUDA device(s)";
#else
    status = "no GPU: Canopy was built without CUDA (CANOPY_WITH_CUDA=OFF)";
#endif
  }
};
const Probe& probe() {
  static const Probe p;
  return p;
}
}  // namespace

int gpu_count() { return probe().count; }
std::string gpu_status() { return probe().status; }

}  // namespace canopy
