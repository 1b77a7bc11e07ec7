// The comm plugin's entry point: libcanopy dlopen()s libcanopy_comm.so and calls canopy_comm_open.
#include <cstdio>
#include <exception>

#include "comm/plugin_api.hpp"
#include "comm/ucx_transport.hpp"

extern "C" canopy::comm::Transport* canopy_comm_open(char* error, std::size_t error_len) {
  try {
    return new canopy::comm::UcxTransport();
  } catch (const std::exception& e) {
    if (error && error_len) std::snprintf(error, error_len, "%s", e.what());
  } catch (...) {
    if (error && error_len) std::snprintf(error, error_len, "unknown error while connecting ranks");
  }
  return nullptr;
}
