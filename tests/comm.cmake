# Tests of comm/ (issue "Transport between ranks"): the in-process loopback transport (`unit`) and the
# launched transport, UCX over PMIx, under mpirun on both loopback TCP and shared memory (`mpi`).

canopy_add_test(comm_loopback_test LABELS unit TIMEOUT 60 SOURCES comm_loopback_test.cpp)
target_include_directories(comm_loopback_test PRIVATE ${PROJECT_SOURCE_DIR})

# transport_check SCENARIO; its twin is the same source built as another executable (another build id),
# so that an MPMD launch of both must be refused on every rank.
foreach(_t transport_check transport_check_twin)
  add_executable(${_t} comm/transport_check.cpp)
  target_link_libraries(${_t} PRIVATE canopy::canopy)
  target_include_directories(${_t} PRIVATE ${PROJECT_SOURCE_DIR})
  canopy_target_defaults(${_t})
endforeach()
target_compile_definitions(transport_check_twin PRIVATE CANOPY_TWIN=1)

foreach(_tls tcp shm)
  foreach(_np 2 4)
    foreach(_scenario alltoall large pingpong)
      canopy_add_mpi_test(NAME comm.${_scenario}.${_tls}.np${_np} NP ${_np} TLS ${_tls} TIMEOUT 120
                          COMMAND transport_check ${_scenario})
    endforeach()
    # mpirun without --enable-recovery would kill the survivors itself; with it, mpirun exits 0 whatever
    # the ranks return, so every survivor's verdict is read from the output.
    math(EXPR _survivors "${_np} - 1")
    string(REPEAT "failure ok[^\n]*\n.*" ${_survivors} _all_ok)
    canopy_add_mpi_test(NAME comm.failure.${_tls}.np${_np} NP ${_np} TLS ${_tls} RECOVERY TIMEOUT 120
                        PASS_REGULAR_EXPRESSION "${_all_ok}" FAIL_REGULAR_EXPRESSION "FAILED"
                        COMMAND transport_check failure)
  endforeach()
  canopy_add_mpi_test(NAME comm.mismatch.${_tls} NP 1 TLS ${_tls} TIMEOUT 60
                      COMMAND transport_check mismatch : -np 1 $<TARGET_FILE:transport_check_twin> mismatch)
endforeach()
