# Tests of regions, privileges and the hierarchical dependence analyzer (issue "Regions, privileges and
# the hierarchical dependence analyzer"). `ctest -L deps` takes seconds (about 15 s under tsan); the
# long random sweeps carry only the `stress` label (`ctest -L stress`). The race witness test needs
# CANOPY_CHECKED=ON (the debug preset) and says so when skipped.

# The differential tester's program generator, reference interpreter and parallel executor.
add_library(canopy_deps_differential STATIC
  differential/program.cpp differential/shrink.cpp differential/reference.cpp differential/parallel.cpp differential/harness.cpp)
target_link_libraries(canopy_deps_differential PUBLIC canopy::canopy)
target_include_directories(canopy_deps_differential PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
canopy_target_defaults(canopy_deps_differential)

canopy_add_test(deps_region_test LABELS deps TIMEOUT 60 SOURCES region_test.cpp)
canopy_add_test(deps_privilege_test LABELS deps TIMEOUT 60 SOURCES privilege_test.cpp)
canopy_add_test(deps_differential_test LABELS deps TIMEOUT 180 SOURCES differential_test.cpp)
target_link_libraries(deps_differential_test PRIVATE canopy_deps_differential)
canopy_add_test(deps_race_witness_test LABELS deps TIMEOUT 120 SOURCES race_witness_test.cpp)
target_link_libraries(deps_race_witness_test PRIVATE canopy_deps_differential)
# The same sweeps with thousands of seeds and bigger programs.
canopy_add_test(deps_differential_stress_test LABELS stress TIMEOUT 1800 SOURCES differential_test.cpp)
target_link_libraries(deps_differential_stress_test PRIVATE canopy_deps_differential)
target_compile_definitions(deps_differential_stress_test PRIVATE CANOPY_DIFF_STRESS=1)
