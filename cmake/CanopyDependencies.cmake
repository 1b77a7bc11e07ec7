# Every dependency found the conventional way; each is used only through its imported target.
find_package(PkgConfig REQUIRED)
pkg_check_modules(HWLOC REQUIRED IMPORTED_TARGET hwloc>=2.0)
find_package(Boost 1.74 REQUIRED COMPONENTS context)
find_package(spdlog REQUIRED)
find_package(Threads REQUIRED)
# UCX: its headers only (libcanopy dlopen()s the library, see comm/CMakeLists.txt). Its package config
# has no include guard: a second find_package would redefine its targets.
if(NOT TARGET ucx::ucp)
  find_package(ucx 1.13 REQUIRED)
endif()

if(CANOPY_WITH_CUDA)
  set(CMAKE_CUDA_STANDARD 17)  # CMake 3.25 knows no CUDA20 dialect for nvcc
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 75 90)
  endif()
  enable_language(CUDA)
  find_package(CUDAToolkit REQUIRED)
endif()
