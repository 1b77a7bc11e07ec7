# canopy-bench's own tests (label bench): the task-graph suites at a tiny size, every answer and the
# JSON file checked by check_bench.cmake; `canopy-bench deps` and canopy-bench-deps still run; and
# llvm-omp where it was built. A few seconds each on 2 cores. Included from bench/CMakeLists.txt.
if(NOT CANOPY_BUILD_TESTS)
  return()
endif()
enable_testing()  # the top level enables it only after adding this directory

# Tiny sizes: a 256 x 256 Cholesky in 64 x 64 tiles, and sweeps of three task sizes (4, 2, 1 us) on
# graphs of at most 64 tasks; one timed run each, no pause between runs.
set(_tiny --size small --repeat 1 --settle-ms 0 --input cholesky=256 --tile 64 --leaf 32
          --max-task-us 4 --min-task-us 1 --target-ms 0.2 --max-tasks 64)
set(_check ${CMAKE_CURRENT_SOURCE_DIR}/check_bench.cmake)
set(_env CANOPY_WORKERS=unset: CANOPY_TOPOLOGY=unset: HWLOC_SYNTHETIC=unset:)

# canopy_bench_test(name EXE exe [JSON] [SUITES s...] [SWEEPS n] [FAILS regex] [ENV var=value] ARGS ...)
function(canopy_bench_test name)
  cmake_parse_arguments(T "JSON" "EXE;SWEEPS;FAILS;ENV" "SUITES;ARGS" ${ARGN})
  set(defs -DEXE=$<TARGET_FILE:${T_EXE}>)
  set(env ${_env})
  if(T_FAILS)
    list(APPEND defs "-DFAILS=${T_FAILS}")
  endif()
  if(T_ENV)
    string(REGEX REPLACE "^([^=]+)=" "\\1=set:" set_env "${T_ENV}")
    list(REMOVE_ITEM env "${CMAKE_MATCH_1}=unset:")
    list(APPEND env "${set_env}")
  endif()
  if(T_JSON)
    list(APPEND defs -DJSON=${CMAKE_CURRENT_BINARY_DIR}/test_${name}.json)
  endif()
  if(T_SUITES)
    string(REPLACE ";" "," suites "${T_SUITES}")
    list(APPEND defs -DSUITES=${suites})
  endif()
  if(DEFINED T_SWEEPS)
    list(APPEND defs -DSWEEPS=${T_SWEEPS})
  endif()
  string(JOIN " " args ${T_ARGS})  # none of them has a space
  add_test(NAME bench.${name} COMMAND ${CMAKE_COMMAND} ${defs} "-DARGS=${args}" -P ${_check})
  set_tests_properties(bench.${name} PROPERTIES LABELS bench TIMEOUT 120 ENVIRONMENT_MODIFICATION "${env}")
endfunction()

if(TARGET canopy)
  # 11 sweeps: stencil, and 5 patterns x 2 kernels of taskbench.
  canopy_bench_test(graph_suites EXE canopy-bench JSON SUITES cholesky stencil taskbench SWEEPS 11
                    ARGS --suite cholesky,stencil,taskbench --workers 1,2 ${_tiny})
  canopy_bench_test(deps_alias EXE canopy-bench SUITES taskbench
                    ARGS deps --suite taskbench --patterns fft --kernel memory ${_tiny})
  canopy_bench_test(deps_binary EXE canopy-bench-deps SUITES cholesky
                    ARGS --suite cholesky --runtimes serial,canopy,canopy-hier ${_tiny})
  # A runtime that fails (here: Canopy held to 1 worker by the environment while 2 are asked for)
  # must fail the whole run loudly, the other runtimes still running.
  canopy_bench_test(failure_is_loud EXE canopy-bench ENV CANOPY_WORKERS=1 FAILS "canopy FAILED on taskbench"
                    ARGS --suite taskbench --patterns trivial --kernel compute --workers 2 ${_tiny})
endif()
if(TARGET canopy-bench-llvm-omp-server)
  canopy_bench_test(llvm_omp EXE canopy-bench JSON SUITES fib nqueens uts-t3l
                    ARGS --suite fib,nqueens,uts-t3l --runtimes serial,omp,llvm-omp --input fib=18,nqueens=7
                         --workers 1,2 --repeat 1 --settle-ms 0)
endif()

# canopy-bench-idle runs (a short idle period; what it prints is a measurement, not checked).
if(TARGET canopy-bench-idle)
  add_test(NAME bench.idle COMMAND canopy-bench-idle --idle-ms 200 --canopy:workers=4)
  set_tests_properties(bench.idle PROPERTIES LABELS bench ENVIRONMENT_MODIFICATION "${_env}")
endif()
