# Tasks and futures across ranks (runtime/remote): several ranks in one process over loopback
# transports (`unit`). The mpirun tests of the same scenarios are in mpi.cmake.
canopy_add_test(remote_loopback_test LABELS unit TIMEOUT 120 SOURCES remote/remote_loopback_test.cpp)
target_include_directories(remote_loopback_test PRIVATE ${PROJECT_SOURCE_DIR})

# remote_check SCENARIO under mpirun, 2 and 4 ranks (oversubscribed on 2 cores), over loopback TCP and
# shared memory; each rank exits 0 once rank 0's root is done.
add_executable(remote_check remote/remote_check.cpp)
target_link_libraries(remote_check PRIVATE canopy::canopy)
target_include_directories(remote_check PRIVATE ${PROJECT_SOURCE_DIR})
canopy_target_defaults(remote_check)
foreach(_tls tcp shm)
  foreach(_np 2 4)
    foreach(_scenario placement tree strings future exception capture)
      canopy_add_mpi_test(NAME remote.${_scenario}.${_tls}.np${_np} NP ${_np} TLS ${_tls} TIMEOUT 120
                          COMMAND remote_check ${_scenario})
    endforeach()
    # A killed rank: mpirun without --enable-recovery would kill the survivors itself. mpirun reports
    # the killed rank with a non-zero status, so rank 0's verdict is read from its output.
    canopy_add_mpi_test(NAME remote.killed.${_tls}.np${_np} NP ${_np} TLS ${_tls} RECOVERY TIMEOUT 120
                        PASS_REGULAR_EXPRESSION "PASS killed" COMMAND remote_check killed)
  endforeach()
endforeach()

# examples/ranks.cpp, the README's example of ranks: alone and under mpirun.
if(TARGET ranks)
  add_test(NAME "example: ranks, one rank" COMMAND ranks)
  set_tests_properties("example: ranks, one rank" PROPERTIES LABELS unit TIMEOUT 60)
  foreach(_tls tcp shm)
    canopy_add_mpi_test(NAME example.ranks.${_tls}.np3 NP 3 TLS ${_tls} TIMEOUT 120 COMMAND ranks)
  endforeach()
endif()

# canopy-info under mpirun: every rank prints its place in the job.
canopy_add_mpi_test(NAME tools.canopy_info.shm.np2 NP 2 TLS shm TIMEOUT 60
                    PASS_REGULAR_EXPRESSION "Job +rank 1 of 2, [0-9]+ worker\\(s\\), transport ucx: "
                    COMMAND canopy-info)
