# The project's switches; every one is a CANOPY_* cache option.
include(CheckLanguage)
check_language(CUDA)
if(CMAKE_CUDA_COMPILER)
  set(_canopy_cuda_default ON)
else()
  set(_canopy_cuda_default OFF)
endif()

option(CANOPY_WITH_CUDA "Build the GPU scheduler and GPU tests (needs nvcc)" ${_canopy_cuda_default})
set(CANOPY_SANITIZE "" CACHE STRING
    "Sanitizers for every target: thread, address, undefined, address,undefined or empty")
set_property(CACHE CANOPY_SANITIZE PROPERTY STRINGS "" thread address undefined "address,undefined")
option(CANOPY_CHECKED "Bounds-check accessors and record accessor intervals" OFF)
option(CANOPY_BUILD_BENCH "Build canopy-bench and the peer benchmarks" ON)
option(CANOPY_BUILD_EXAMPLES "Build the examples" ON)
option(CANOPY_BUILD_TESTS "Build the Catch2 test suite" ON)
option(CANOPY_WERROR "Treat warnings as errors" OFF)

string(REPLACE "," ";" _canopy_sanitizers "${CANOPY_SANITIZE}")
foreach(_s IN LISTS _canopy_sanitizers)
  if(NOT _s MATCHES "^(thread|address|undefined)$")
    message(FATAL_ERROR "CANOPY_SANITIZE must be thread, address, undefined or a comma list of them, not '${CANOPY_SANITIZE}'")
  endif()
endforeach()
# The two runtimes both own the shadow memory; UBSan goes with either.
if("thread" IN_LIST _canopy_sanitizers AND "address" IN_LIST _canopy_sanitizers)
  message(FATAL_ERROR "CANOPY_SANITIZE: thread and address cannot be combined")
endif()
option(CANOPY_STACK_CLASH_PROTECTION
       "Build the library and (as an interface option) its consumers with -fstack-clash-protection, so that a task's frame larger than the fiber stack's guard gap still faults there" ON)
option(CANOPY_CHECKED_VARIANT
       "Also build and install canopy::canopy_checked: the same library with CANOPY_CHECKED=1 for its users (bounds checks, the race witness)" ON)
