# Install and export: libcanopy, the public headers, canopy-info (installed by its own folder), a CMake
# package (find_package(canopy) -> canopy::canopy) and a pkg-config file.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(CANOPY_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/canopy CACHE STRING
    "Where the CMake package files go, relative to the install prefix")
mark_as_advanced(CANOPY_INSTALL_CMAKEDIR)

# The dependencies are private to the shared library, but the installed library still needs them at
# run time: keep the link directories of non-system ones (an /opt CUDA) in its RUNPATH. UCX is not
# linked; comm/CMakeLists.txt adds its directory for dlopen().
set_target_properties(canopy PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)

set(_canopy_libraries canopy)
if(TARGET canopy_checked)
  list(APPEND _canopy_libraries canopy_checked)
endif()
install(TARGETS ${_canopy_libraries} EXPORT canopyTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT canopy_runtime NAMELINK_COMPONENT canopy_development
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT canopy_development
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT canopy_runtime)
# The comm plugin (UCX + PMIx) goes next to libcanopy, where open_launched_transport() looks for it. It is
# loaded at run time only, so it is not part of the exported targets.
install(TARGETS canopy_comm LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT canopy_runtime)

# The public API: include/canopy (with detail/, which the inline spawn path needs) and the generated version.hpp.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/canopy DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT canopy_development FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/include/canopy/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/canopy
        COMPONENT canopy_development)

install(EXPORT canopyTargets NAMESPACE canopy:: DESTINATION ${CANOPY_INSTALL_CMAKEDIR}
        COMPONENT canopy_development)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/canopyConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/canopyConfig.cmake
                              INSTALL_DESTINATION ${CANOPY_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/canopyConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/canopyConfig.cmake ${PROJECT_BINARY_DIR}/canopyConfigVersion.cmake
        DESTINATION ${CANOPY_INSTALL_CMAKEDIR} COMPONENT canopy_development)

# pkg-config: for builds that do not use CMake (c++ -std=c++20 app.cpp $(pkg-config --cflags --libs canopy)).
# The prefix is found from the .pc file's own place, so `cmake --install --prefix DIR` anywhere works.
set(CANOPY_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
foreach(_dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_dir}}")
    set(CANOPY_PC_${_dir} "${CMAKE_INSTALL_${_dir}}")
  else()
    set(CANOPY_PC_${_dir} "\${prefix}/${CMAKE_INSTALL_${_dir}}")
  endif()
endforeach()
if(NOT IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  string(REGEX REPLACE "[^/]+" ".." _canopy_pc_up "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
  set(CANOPY_PC_PREFIX "\${pcfiledir}/${_canopy_pc_up}")
endif()
if(CANOPY_CHECKED)
  set(CANOPY_PC_CFLAGS " -DCANOPY_CHECKED=1")
else()
  set(CANOPY_PC_CFLAGS "")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/canopy.pc.in ${PROJECT_BINARY_DIR}/canopy.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/canopy.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
        COMPONENT canopy_development)
