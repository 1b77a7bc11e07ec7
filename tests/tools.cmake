# Tests of canopy-info, canopy::system_info and the installed package. Included from tests/CMakeLists.txt.

# system_info() and to_json() through the public API (hwloc only to write an XML topology).
canopy_add_test(canopy_info_test LABELS unit TIMEOUT 60 SOURCES canopy_info_test.cpp)
target_link_libraries(canopy_info_test PRIVATE PkgConfig::HWLOC)

# canopy_info_check(name [ENV var=value] [RC n] [SOCKETS n] [CORES n] [WORKERS n] [SOURCE s]
#                   [STDOUT regex] [STDERR regex] ARGS ...): run canopy-info ARGS and check it.
function(canopy_info_check name)
  cmake_parse_arguments(C "" "ENV;RC;SOCKETS;CORES;WORKERS;SOURCE;STDOUT;STDERR" "ARGS" ${ARGN})
  set(defs)
  foreach(key RC SOCKETS CORES WORKERS SOURCE STDOUT STDERR)
    if(DEFINED C_${key})
      list(APPEND defs "-D${key}=${C_${key}}")
    endif()
  endforeach()
  add_test(NAME canopy_info.${name}
           COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:canopy-info> ${defs}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/canopy_info_check.cmake -- ${C_ARGS})
  # The caller's CANOPY_* and HWLOC_* variables would change the defaults under test.
  set(env CANOPY_TOPOLOGY=unset: CANOPY_WORKERS=unset: HWLOC_SYNTHETIC=unset: HWLOC_XMLFILE=unset:)
  if(C_ENV)
    string(REGEX REPLACE "^([^=]+)=" "\\1=set:" set_env "${C_ENV}")
    list(APPEND env "${set_env}")
  endif()
  set_tests_properties(canopy_info.${name} PROPERTIES LABELS unit TIMEOUT 60 ENVIRONMENT_MODIFICATION "${env}")
endfunction()

canopy_info_check(synthetic_env ENV "HWLOC_SYNTHETIC=package:2 core:4 pu:1"
                  SOCKETS 2 CORES 8 WORKERS 8 SOURCE synthetic ARGS --json)
canopy_info_check(synthetic_flag SOCKETS 2 CORES 8 WORKERS 8 SOURCE synthetic
                  ARGS --json --topology "package:2 core:4 pu:1")
canopy_info_check(flag_beats_env ENV "HWLOC_SYNTHETIC=package:1 core:1"
                  SOCKETS 2 CORES 8 ARGS --json "--topology=package:2 core:4 pu:1")
canopy_info_check(workers SOCKETS 2 CORES 8 WORKERS 3 ARGS --json --topology "package:2 core:4 pu:1" --workers 3)
set(_text "Topology +synthetic: package:2 core:4 pu:1[^a-z]+sockets +2[^a-z]+NUMA nodes +1[^a-z]+cores +8 \\(4 \\+ 4 per")
canopy_info_check(text STDOUT "${_text}" ARGS --topology "package:2 core:4 pu:1")
canopy_info_check(this_system STDOUT "Canopy [0-9.]+ .*Libraries.*Topology +this system.*Workers.*GPUs.*UCX")
canopy_info_check(help STDOUT "^Usage: canopy-info" ARGS --help)
canopy_info_check(bad_topology RC 1 STDERR "cannot use topology 'bogus'" ARGS --topology bogus)
canopy_info_check(bad_workers RC 2 STDERR "--workers must be an integer" ARGS --workers 0)
canopy_info_check(bad_argument RC 2 STDERR "unknown argument '--frob'" ARGS --frob)

# The installed package: cmake --install to a scratch prefix, then the installed canopy-info, a
# find_package(canopy) consumer and a pkg-config build (see install_test.cmake).
include(GNUInstallDirs)
set(_canopy_consumer_flags "")
if(CANOPY_SANITIZE)
  set(_canopy_consumer_flags "-fsanitize=${CANOPY_SANITIZE}")
endif()
add_test(NAME install.consumer
         COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${PROJECT_BINARY_DIR}
                 -DCONSUMER_DIR=${CMAKE_CURRENT_SOURCE_DIR}/consumer
                 -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/install_test
                 -DGENERATOR=${CMAKE_GENERATOR} -DCXX=${CMAKE_CXX_COMPILER}
                 -DBUILD_TYPE=${CMAKE_BUILD_TYPE} -DLIBDIR=${CMAKE_INSTALL_LIBDIR}
                 -DCXX_FLAGS=${_canopy_consumer_flags}
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/install_test.cmake)
set_tests_properties(install.consumer PROPERTIES LABELS install TIMEOUT 600
                     ENVIRONMENT_MODIFICATION "CANOPY_WORKERS=unset:;CANOPY_TOPOLOGY=unset:;HWLOC_SYNTHETIC=unset:")

# UCX stays unloaded until the transport list is asked for (see comm/ucx_library.hpp).
canopy_add_test(no_ucx_test LABELS unit TIMEOUT 60 SOURCES no_ucx_test.cpp)
# Without a loadable UCX, canopy-info still works and says why the list is empty: a file that is not a
# library, named libucp.so.0 and found first through LD_LIBRARY_PATH, stands in for a missing UCX.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/no_ucx/libucp.so.0 "not a shared library\n")
canopy_info_check(no_ucx ENV "LD_LIBRARY_PATH=${CMAKE_CURRENT_BINARY_DIR}/no_ucx"
                  STDOUT "UCX +0 transport\\(s\\), UCX -[^a-z]+incomplete: UCX is not installed or cannot be loaded: .*libucp\\.so\\.0"
                  ARGS --topology "package:1 core:2 pu:1")
