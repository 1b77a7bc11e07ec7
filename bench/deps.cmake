# canopy-bench-deps: the benchmarks of regions, privileges and the dependence analyzer -- spawn-deps,
# cholesky (Canopy, OpenMP depend tasks, StarPU 1.3, serial), stencil_1d METG and the Task Bench
# patterns' METG (taskbench) (Canopy, OpenMP).
# Included from bench/CMakeLists.txt (after its find_package calls); needs the `canopy` target.
# Builds a static library of the suites, canopy-bench-deps-core, that canopy-bench can link to offer
# them as `canopy-bench deps ...`, and the stand-alone executable canopy-bench-deps.
if(NOT TARGET canopy)
  message(STATUS "canopy-bench-deps: no 'canopy' target; skipped")
  return()
endif()

find_package(OpenMP REQUIRED)
find_package(PkgConfig)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(CANOPY_BENCH_STARPU IMPORTED_TARGET starpu-1.3)
endif()

set(_deps_dir ${CMAKE_CURRENT_LIST_DIR})
# Benchmarks are meaningless unoptimised: a Debug tree still builds them at -O2.
set(_deps_opt $<$<NOT:$<CONFIG:Release,RelWithDebInfo,MinSizeRel>>:-O2>)

# Only the OpenMP versions compile with -fopenmp (as in canopy-bench).
add_library(canopy-bench-deps-omp OBJECT
  ${_deps_dir}/cholesky/omp.cpp
  ${_deps_dir}/stencil/omp.cpp
  ${_deps_dir}/taskbench/omp.cpp)
target_include_directories(canopy-bench-deps-omp PRIVATE ${_deps_dir})
target_compile_options(canopy-bench-deps-omp PRIVATE ${_deps_opt})
target_compile_features(canopy-bench-deps-omp PRIVATE cxx_std_20)
target_link_libraries(canopy-bench-deps-omp PRIVATE OpenMP::OpenMP_CXX)
canopy_target_defaults(canopy-bench-deps-omp)

add_library(canopy-bench-deps-core STATIC
  ${_deps_dir}/spawn_deps/driver.cpp
  ${_deps_dir}/spawn_deps/spawn_deps.cpp
  ${_deps_dir}/cholesky/serial.cpp
  ${_deps_dir}/cholesky/canopy.cpp
  ${_deps_dir}/cholesky/suite.cpp
  ${_deps_dir}/stencil/kernel.cpp
  ${_deps_dir}/stencil/canopy.cpp
  ${_deps_dir}/stencil/suite.cpp
  ${_deps_dir}/taskbench/graph.cpp
  ${_deps_dir}/taskbench/canopy.cpp
  ${_deps_dir}/taskbench/suite.cpp)
target_include_directories(canopy-bench-deps-core PUBLIC ${_deps_dir})
target_compile_options(canopy-bench-deps-core PRIVATE ${_deps_opt})
target_link_libraries(canopy-bench-deps-core PUBLIC canopy PRIVATE canopy-bench-deps-omp)
if(CANOPY_BENCH_STARPU_FOUND)
  target_sources(canopy-bench-deps-core PRIVATE ${_deps_dir}/cholesky/starpu.cpp)
  target_link_libraries(canopy-bench-deps-core PRIVATE PkgConfig::CANOPY_BENCH_STARPU)
  target_compile_definitions(canopy-bench-deps-core PRIVATE CANOPY_BENCH_HAVE_STARPU=1)
else()
  message(STATUS "canopy-bench-deps: no starpu-1.3 (pkg-config); cholesky runs without StarPU")
endif()
canopy_target_defaults(canopy-bench-deps-core)

add_executable(canopy-bench-deps ${_deps_dir}/deps_main.cpp)
target_link_libraries(canopy-bench-deps PRIVATE canopy-bench-deps-core)
canopy_target_defaults(canopy-bench-deps)
