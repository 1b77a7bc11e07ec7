#pragma once
// Placement: where a spawned task may run. Passed as the first argument of Context::spawn.
namespace canopy {

/// Placement names a place for a task: anywhere, this rank, a rank, a socket or a GPU.
struct Placement {
  enum class Kind { anywhere, here, rank, socket, gpu };
  Kind kind = Kind::anywhere;
  int index = -1;  ///< rank, socket or GPU number; -1 = any GPU
};

/// anywhere lets the scheduler decide, stealing across sockets and ranks (the default).
inline constexpr Placement anywhere{Placement::Kind::anywhere, -1};
/// here keeps the task on the spawning rank.
inline constexpr Placement here{Placement::Kind::here, -1};
/// on_rank(r) runs the task on rank r.
constexpr Placement on_rank(int r) { return {Placement::Kind::rank, r}; }
/// on_socket(s) runs the task on a worker of socket s of this rank.
constexpr Placement on_socket(int s) { return {Placement::Kind::socket, s}; }
/// on_gpu(i) runs the task on GPU i's scheduler; on_gpu() on any GPU.
constexpr Placement on_gpu(int i = -1) { return {Placement::Kind::gpu, i}; }

}  // namespace canopy
