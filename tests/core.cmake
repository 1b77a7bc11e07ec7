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
canopy_add_test(core_deadlock_test LABELS core TIMEOUT 60 SOURCES deadlock_test.cpp)
canopy_add_test(core_topology_test LABELS core TIMEOUT 60 SOURCES topology_test.cpp)
canopy_add_test(core_config_test LABELS core TIMEOUT 30 SOURCES config_test.cpp)
canopy_add_test(core_stress_test LABELS stress TIMEOUT 600 SOURCES stress_test.cpp)
canopy_add_test(core_deque_model_test LABELS core TIMEOUT 120 SOURCES deque_model/deque_model_test.cpp)
canopy_add_test(core_fiber_exception_test LABELS core TIMEOUT 120 SOURCES fiber_exception_test.cpp)
canopy_add_test(core_context_misuse_test LABELS core TIMEOUT 60 SOURCES context_misuse_test.cpp)
canopy_add_test(core_parked_fibers_test LABELS core TIMEOUT 300 SOURCES parked_fibers_test.cpp)
canopy_add_test(core_stack_overflow_test LABELS core TIMEOUT 60 SOURCES stack_overflow_test.cpp)
# The same overflow cases without the page probes that canopy::canopy adds: the guard gap alone.
add_executable(core_stack_gap_test stack_overflow_test.cpp)
target_link_libraries(core_stack_gap_test PRIVATE canopy::canopy canopy_test_main)
canopy_target_defaults(core_stack_gap_test)
target_compile_options(core_stack_gap_test PRIVATE -fno-stack-clash-protection)
catch_discover_tests(core_stack_gap_test TEST_PREFIX "no probes: " PROPERTIES LABELS core TIMEOUT 60)
if(CANOPY_HAVE_STACK_CLASH_PROTECTION)
  target_compile_definitions(core_stack_overflow_test PRIVATE CANOPY_TEST_STACK_PROBES=1)
endif()
canopy_add_test(core_blocking_test LABELS core TIMEOUT 120 SOURCES blocking_test.cpp)
