# canopy::canopy_checked: libcanopy_checked.so, the same sources as canopy with CANOPY_CHECKED=1 in the
# library and (PUBLIC) in every user of it. A user switches the whole runtime's checks on by linking
# canopy::canopy_checked instead of canopy::canopy, without rebuilding Canopy. Made after every folder
# has added its sources and settings to canopy, whose properties it copies.
if(NOT CANOPY_CHECKED_VARIANT OR CANOPY_CHECKED)
  return()
endif()

get_target_property(_canopy_sources canopy SOURCES)
add_library(canopy_checked SHARED ${_canopy_sources})
add_library(canopy::canopy_checked ALIAS canopy_checked)
foreach(_prop CXX_VISIBILITY_PRESET VISIBILITY_INLINES_HIDDEN VERSION SOVERSION BUILD_RPATH INSTALL_RPATH
              INSTALL_RPATH_USE_LINK_PATH COMPILE_DEFINITIONS COMPILE_OPTIONS COMPILE_FEATURES INCLUDE_DIRECTORIES
              LINK_LIBRARIES LINK_OPTIONS INTERFACE_COMPILE_DEFINITIONS INTERFACE_COMPILE_OPTIONS
              INTERFACE_COMPILE_FEATURES INTERFACE_INCLUDE_DIRECTORIES INTERFACE_LINK_OPTIONS
              INTERFACE_SYSTEM_INCLUDE_DIRECTORIES)
  get_target_property(_value canopy ${_prop})
  if(NOT _value STREQUAL "_value-NOTFOUND")
    set_property(TARGET canopy_checked PROPERTY ${_prop} "${_value}")
  endif()
endforeach()
target_compile_definitions(canopy_checked PUBLIC CANOPY_CHECKED=1)
# The comm plugin is loaded from the library's own directory: build it with this one too.
add_dependencies(canopy_checked canopy_comm)
