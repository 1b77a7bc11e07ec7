# install_test.cmake: install a Canopy build tree to a scratch prefix, then use it the ways a user would:
# the installed canopy-info, a CMake consumer (find_package(canopy) + canopy::canopy) and pkg-config.
#
#   cmake -DBUILD_DIR=<canopy build> -DCONSUMER_DIR=<tests/consumer> -DWORK_DIR=<scratch>
#         -DGENERATOR=<gen> -DCXX=<c++> [-DBUILD_TYPE=..] [-DCXX_FLAGS=..] [-DLIBDIR=lib] -P install_test.cmake
foreach(var BUILD_DIR CONSUMER_DIR WORK_DIR GENERATOR CXX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "install_test.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED LIBDIR)
  set(LIBDIR lib)
endif()
set(prefix ${WORK_DIR}/prefix)

# run(<name> COMMAND ...): runs the command, fails the test with its output when it exits non-zero,
# and leaves its stdout in ${name}_out.
function(run name)
  execute_process(${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name} failed (${rc}):\n${ARGN}\n--- stdout\n${out}\n--- stderr\n${err}")
  endif()
  set(${name}_out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# 1. Install. The prefix is chosen now, not at configure time, as packagers do.
run(install COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f include/canopy/canopy.hpp include/canopy/version.hpp include/canopy/system_info.hpp
          include/canopy/detail/frame.hpp ${LIBDIR}/libcanopy.so bin/canopy-info
          ${LIBDIR}/cmake/canopy/canopyConfig.cmake ${LIBDIR}/cmake/canopy/canopyConfigVersion.cmake
          ${LIBDIR}/cmake/canopy/canopyTargets.cmake ${LIBDIR}/pkgconfig/canopy.pc)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${prefix}/${f}")
  endif()
endforeach()
file(GLOB_RECURSE headers RELATIVE ${prefix}/include ${prefix}/include/*)
foreach(h ${headers})
  if(NOT h MATCHES "^canopy/.*\\.hpp$")
    message(FATAL_ERROR "installed a file that is not a public header: ${prefix}/include/${h}")
  endif()
endforeach()

# 2. The installed tool finds the installed library through its RUNPATH.
run(tool COMMAND ${prefix}/bin/canopy-info --json --topology "package:2 core:4 pu:1")
string(JSON sockets GET "${tool_out}" topology sockets)
string(JSON cores GET "${tool_out}" topology cores)
if(NOT sockets EQUAL 2 OR NOT cores EQUAL 8)
  message(FATAL_ERROR "installed canopy-info reports sockets=${sockets} cores=${cores}, expected 2 and 8")
endif()

# 3. A CMake consumer, which must find this prefix and nothing else.
set(consumer_args -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(BUILD_TYPE)
  list(APPEND consumer_args -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
endif()
if(CXX_FLAGS)
  list(APPEND consumer_args "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}")
endif()
run(configure COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/consumer -G ${GENERATOR} ${consumer_args})
if(NOT configure_out MATCHES "canopy_DIR: ${prefix}/")
  message(FATAL_ERROR "the consumer found Canopy outside ${prefix}:\n${configure_out}")
endif()
run(build COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
run(app COMMAND ${WORK_DIR}/consumer/app)
message(STATUS "${app_out}")
if(NOT app_out MATCHES "fib\\(20\\) = 6765")
  message(FATAL_ERROR "unexpected consumer output: ${app_out}")
endif()

# 3b. The checked variant (canopy::canopy_checked), when this build made one.
if(EXISTS ${prefix}/${LIBDIR}/libcanopy_checked.so)
  if(NOT EXISTS ${WORK_DIR}/consumer/app_checked)
    message(FATAL_ERROR "libcanopy_checked.so is installed but the package offers no canopy::canopy_checked")
  endif()
  run(app_checked COMMAND ${WORK_DIR}/consumer/app_checked)
  message(STATUS "${app_checked_out}")
  if(NOT app_checked_out MATCHES "witness on" OR NOT app_checked_out MATCHES "out-of-bounds access")
    message(FATAL_ERROR "unexpected output of the checked consumer: ${app_checked_out}")
  endif()
endif()

# 4. pkg-config: compile the same program by hand with the flags canopy.pc gives.
find_program(PKG_CONFIG pkg-config)
if(PKG_CONFIG)
  run(pc COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${prefix}/${LIBDIR}/pkgconfig
             ${PKG_CONFIG} --cflags --libs canopy)
  separate_arguments(pc_flags UNIX_COMMAND "${pc_out}")
  separate_arguments(extra_flags UNIX_COMMAND "${CXX_FLAGS}")
  run(pc_build COMMAND ${CXX} -std=c++20 ${extra_flags} ${CONSUMER_DIR}/main.cpp -o ${WORK_DIR}/app_pc ${pc_flags}
                       -Wl,-rpath,${prefix}/${LIBDIR})
  run(pc_app COMMAND ${WORK_DIR}/app_pc)
  if(NOT pc_app_out MATCHES "fib\\(20\\) = 6765")
    message(FATAL_ERROR "unexpected output of the pkg-config build: ${pc_app_out}")
  endif()
else()
  message(STATUS "pkg-config not found: canopy.pc not checked")
endif()
message(STATUS "install test passed")
