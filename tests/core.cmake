# The core runtime's tests (issue "Core runtime"): spawn/get/wait_all, futures, exceptions, the deadlock
# detector, sockets and placement, configuration. `ctest -L core` runs them (each TEST_CASE is a ctest
# test with its own process and timeout); `ctest -L stress` runs the long seed sweeps. The stress binary
# carries only the `stress` label (ctest -L takes a regex: `-L core` would also match `core;stress`), so
# that `ctest -L core` stays a few seconds long.
canopy_add_test(core_spawn_test LABELS core TIMEOUT 120 SOURCES spawn_test.cpp)
canopy_add_test(core_info_test LABELS core TIMEOUT 60 SOURCES info_test.cpp)
canopy_add_test(core_future_test LABELS core TIMEOUT 60 SOURCES future_test.cpp)
canopy_add_test(core_join_test LABELS core TIMEOUT 120 SOURCES join_test.cpp)
canopy_add_test(core_exception_test LABELS core TIMEOUT 60 SOURCES exception_test.cpp)
canopy_add_test(core_cancel_test LABELS core TIMEOUT 60 SOURCES cancel_test.cpp)
canopy_add_test(core_deadlock_test LABELS core TIMEOUT 60 SOURCES deadlock_test.cpp)
canopy_add_test(core_topology_test LABELS core TIMEOUT 60 SOURCES topology_test.cpp)
canopy_add_test(core_config_test LABELS core TIMEOUT 30 SOURCES config_test.cpp)
canopy_add_test(core_stress_test LABELS stress TIMEOUT 600 SOURCES stress_test.cpp)
canopy_add_test(core_deque_model_test LABELS core TIMEOUT 120 SOURCES deque_model/deque_model_test.cpp)
canopy_add_test(core_fiber_exception_test LABELS core TIMEOUT 120 SOURCES fiber_exception_test.cpp)
canopy_add_test(core_context_misuse_test LABELS core TIMEOUT 60 SOURCES context_misuse_test.cpp)
canopy_add_test(core_parked_fibers_test LABELS core TIMEOUT 300 SOURCES parked_fibers_test.cpp)
# Stack overflows, with the page probes that canopy::canopy adds and without them (the guard gap
# alone). The overflow report names the task, which demangles inside the SIGSEGV handler on purpose
# (the process is about to abort; an alarm bounds it): ThreadSanitizer must not count that as a race.
foreach(_probes IN ITEMS with without)
  set(_t core_stack_overflow_test)
  set(_prefix "")
  if(_probes STREQUAL without)
    set(_t core_stack_gap_test)
    set(_prefix "no probes: ")
  endif()
  add_executable(${_t} stack_overflow_test.cpp)
  target_link_libraries(${_t} PRIVATE canopy::canopy canopy_test_main)
  canopy_target_defaults(${_t})
  catch_discover_tests(${_t} TEST_PREFIX "${_prefix}" PROPERTIES LABELS core TIMEOUT 60
                       ENVIRONMENT "TSAN_OPTIONS=halt_on_error=1 report_signal_unsafe=0")
endforeach()
target_compile_options(core_stack_gap_test PRIVATE -fno-stack-clash-protection)
if(CANOPY_HAVE_STACK_CLASH_PROTECTION)
  target_compile_definitions(core_stack_overflow_test PRIVATE CANOPY_TEST_STACK_PROBES=1)
endif()
# Random task programs against a serial reference (tests/stress/): the time-bounded sweep is `stress`;
# a few hundred seeds of the same binary run under `core`, so that every CI run has some of it (the
# window [1000701, 1001001) holds one seed, 1000901, that parks 1290 tasks on a gate).
canopy_add_test(core_random_stress_test LABELS stress TIMEOUT 900 SOURCES
  stress/stress_main_test.cpp stress/generator.cpp stress/describe.cpp stress/reference.cpp stress/parallel.cpp
  stress/compare.cpp stress/sweep.cpp)
add_test(NAME "quick: random task programs match their serial reference" COMMAND core_random_stress_test)
set_tests_properties("quick: random task programs match their serial reference" PROPERTIES LABELS core TIMEOUT 60
  ENVIRONMENT "CANOPY_FIRST_SEED=1000701;CANOPY_SEEDS=300;CANOPY_STRESS_SECONDS=15;CANOPY_STRESS_MAX_PARKED=2000")
canopy_add_test(core_blocking_test LABELS core TIMEOUT 120 SOURCES blocking_test.cpp)
