# canopy-bench-llvm-omp: the OpenMP kernels of fib, nqueens and UTS built by clang against LLVM's
# libomp (Debian: clang, libomp-dev), a server that canopy-bench starts for the runtime llvm-omp (see
# harness/llvm_omp_server.cpp for why a separate process). Built by a custom command, since the rest of
# the project is compiled by CMAKE_CXX_COMPILER; skipped, with a note, when clang or libomp is missing.
find_program(CANOPY_BENCH_CLANGXX NAMES clang++ clang++-16 clang++-15 clang++-14)
set(_llvm_omp_ok FALSE)
if(CANOPY_BENCH_CLANGXX)
  set(_probe ${CMAKE_CURRENT_BINARY_DIR}/llvm_omp_probe.cpp)
  file(WRITE ${_probe} "#include <omp.h>\nint main() { return omp_get_max_threads() > 0 ? 0 : 1; }\n")
  execute_process(COMMAND ${CANOPY_BENCH_CLANGXX} -fopenmp=libomp ${_probe} -o ${CMAKE_CURRENT_BINARY_DIR}/llvm_omp_probe
                  RESULT_VARIABLE _probe_rc OUTPUT_QUIET ERROR_QUIET)
  if(_probe_rc EQUAL 0)
    set(_llvm_omp_ok TRUE)
  endif()
endif()
if(NOT _llvm_omp_ok OR CANOPY_SANITIZE)
  message(STATUS "canopy-bench: no clang with libomp (or a sanitizer build); runtime llvm-omp not built")
  return()
endif()

set(_src ${CMAKE_CURRENT_SOURCE_DIR})
set(_llvm_omp_sources ${_src}/harness/llvm_omp_server.cpp ${_src}/fib/omp.cpp ${_src}/nqueens/omp.cpp
                      ${_src}/uts/omp.cpp ${_src}/uts/uts_tree.cpp)
set(_llvm_omp_headers ${_src}/harness/clock.hpp ${_src}/harness/kernels.hpp ${_src}/harness/server_protocol.hpp
                      ${_src}/harness/small_array.hpp ${_src}/nqueens/nqueens.hpp ${_src}/uts/uts_tree.hpp)
set(_llvm_omp_flags -std=c++20 -O2 -g -fopenmp=libomp -pthread -Wall -Wextra)
if(CANOPY_WERROR)
  list(APPEND _llvm_omp_flags -Werror)
endif()
set(_llvm_omp_exe ${CMAKE_CURRENT_BINARY_DIR}/canopy-bench-llvm-omp)
add_custom_command(OUTPUT ${_llvm_omp_exe}
                   COMMAND ${CANOPY_BENCH_CLANGXX} ${_llvm_omp_flags} -I${_src} ${_llvm_omp_sources} -o ${_llvm_omp_exe}
                   DEPENDS ${_llvm_omp_sources} ${_llvm_omp_headers}
                   COMMENT "Building canopy-bench-llvm-omp with clang and LLVM's libomp" VERBATIM)
add_custom_target(canopy-bench-llvm-omp-server ALL DEPENDS ${_llvm_omp_exe})
