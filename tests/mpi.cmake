# canopy_add_mpi_test(NAME name NP n [TLS tcp|shm] [RECOVERY] [TIMEOUT s] [LABELS l...] [ENV VAR=value...]
#                     [PASS_REGULAR_EXPRESSION re] [FAIL_REGULAR_EXPRESSION re] COMMAND exe args...)
# registers a ctest (label `mpi`) that runs
#   mpirun --allow-run-as-root --oversubscribe --bind-to none [--enable-recovery] -np n exe args...
# on this node only: mpirun's own traffic stays on loopback, and TLS picks the UCX transport between ranks
# (tcp: loopback TCP; shm: shared memory). COMMAND is a target name, a path or a generator expression;
# an MPMD line works too (COMMAND a : -np 1 b). RECOVERY keeps the other ranks alive when one dies; then
# mpirun exits 0 whatever the ranks return (OpenMPI 4.1), so such a test needs the regular expressions.
find_program(CANOPY_MPIRUN NAMES mpirun mpiexec DOC "mpirun that the mpi tests launch ranks with")

function(canopy_add_mpi_test)
  cmake_parse_arguments(M "RECOVERY" "NAME;NP;TLS;TIMEOUT;PASS_REGULAR_EXPRESSION;FAIL_REGULAR_EXPRESSION" "LABELS;ENV;COMMAND" ${ARGN})
  if(NOT M_NAME OR NOT M_NP OR NOT M_COMMAND)
    message(FATAL_ERROR "canopy_add_mpi_test: NAME, NP and COMMAND are required")
  endif()
  if(NOT CANOPY_MPIRUN)
    message(STATUS "canopy_add_mpi_test: no mpirun, ${M_NAME} not registered")
    return()
  endif()
  if(NOT M_TIMEOUT)
    set(M_TIMEOUT 120)
  endif()
  set(env OMPI_MCA_oob_tcp_if_include=lo OMPI_MCA_btl_tcp_if_include=lo)
  if(M_TLS STREQUAL "tcp")
    list(APPEND env UCX_TLS=tcp UCX_NET_DEVICES=lo)
  elseif(M_TLS STREQUAL "shm")
    list(APPEND env UCX_TLS=shm,self)
  elseif(M_TLS)
    message(FATAL_ERROR "canopy_add_mpi_test(${M_NAME}): TLS must be tcp or shm, not '${M_TLS}'")
  endif()
  list(APPEND env ${M_ENV})
  # Local ranks inherit mpirun's environment; -x also forwards the variables to other nodes.
  set(forward)
  foreach(e IN LISTS env)
    string(REGEX REPLACE "=.*" "" var "${e}")
    list(APPEND forward -x ${var})
  endforeach()
  set(flags --allow-run-as-root --oversubscribe --bind-to none)
  if(M_RECOVERY)
    list(APPEND flags --enable-recovery)
  endif()
  list(POP_FRONT M_COMMAND exe)
  if(TARGET ${exe})
    set(exe $<TARGET_FILE:${exe}>)
  endif()
  add_test(NAME ${M_NAME} COMMAND ${CANOPY_MPIRUN} ${flags} ${forward} -np ${M_NP} ${exe} ${M_COMMAND})
  set_tests_properties(${M_NAME} PROPERTIES LABELS "mpi;${M_LABELS}" TIMEOUT ${M_TIMEOUT} PROCESSORS ${M_NP}
                                            ENVIRONMENT "${env}")
  foreach(re PASS_REGULAR_EXPRESSION FAIL_REGULAR_EXPRESSION)
    if(M_${re})
      set_tests_properties(${M_NAME} PROPERTIES ${re} "${M_${re}}")
    endif()
  endforeach()
endfunction()
