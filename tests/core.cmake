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
