#pragma once
// Runtime: starts the workers of this rank and runs the root task.
#include <memory>
#include <new>
#include <utility>
#include <vector>
#include <cstdint>
#include <string>
#include <type_traits>

#include "canopy/config.hpp"
#include "canopy/detail/frame.hpp"
#include "canopy/export.hpp"
#include "canopy/future.hpp"

namespace canopy {

/// WorkerStats is what one worker did since the runtime started (read it between runs).
struct WorkerStats {
  int worker = 0;
  int socket = 0;
  std::uint64_t tasks = 0;          ///< tasks taken from a deque or queue and run (not inline gets)
  std::uint64_t steals_local = 0;   ///< tasks stolen from workers of the same socket
  std::uint64_t steals_remote = 0;  ///< tasks stolen from workers of other sockets
  std::uint64_t parks = 0;          ///< times a task on this worker parked its fiber
};

/// Runtime owns this rank's workers; one run() at a time executes a root task on them.
class CANOPY_EXPORT Runtime {
 public:
  /// Runtime() reads the CANOPY_* environment variables.
  Runtime();
  /// Runtime(cfg) starts from `cfg`; CANOPY_* environment variables override its fields.
  explicit Runtime(Config cfg);
  /// Runtime(argc, argv) also applies --canopy:* flags and strips them from argv.
  Runtime(int& argc, char** argv, Config cfg = {});
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  /// run executes top(ctx, args...) as the root task and returns its result (or rethrows). In a job of
  /// several ranks, rank 0 runs the root; the other ranks run the tasks sent to them until rank 0's
  /// root has finished, and then return a default R.
  template <class F, class... A>
  detail::task_result_t<F, A...> run(F&& top, A&&... args) {
    using R = detail::task_result_t<F, A...>;
    if (!begin_run()) {
      if constexpr (std::is_void_v<R>) return;
      else if constexpr (std::is_default_constructible_v<R>) return R();
      else no_default_result();
    }
    using Typed = detail::TypedFrame<R, std::decay_t<F>, std::decay_t<A>...>;
    void* mem = ::operator new(sizeof(Typed), std::align_val_t{64});
    auto* root = ::new (mem) Typed(std::forward<F>(top), std::forward<A>(args)...);
    root->size_class = detail::kHeapFrame;
    root->refs.store(detail::kHandleRef, std::memory_order_relaxed);
    Future<R> result(root);
    struct EndRun {
      Runtime* rt;
      ~EndRun() { rt->end_run(); }
    } end{this};
    run_root(root);
    return result.get();
  }

  /// rank is this process's rank in the job; ranks the number of ranks (1 without mpirun).
  int rank() const;
  int ranks() const;
  /// workers is the number of CPU workers this rank runs.
  int workers() const;
  /// config is the configuration in force after env vars and flags.
  const Config& config() const;
  /// transport describes how this rank reaches the others ("none (one rank)", "ucx: tcp", ...).
  std::string transport() const;
  /// worker_stats counts, per worker, the tasks it ran, its steals (own socket / others) and parks.
  std::vector<WorkerStats> worker_stats() const;

  struct Impl;

 private:
  Runtime(Config checked, std::nullptr_t);  // starts from a configuration already validated
  void run_root(detail::Frame* root);
  /// begin_run is true on the rank that runs the root; elsewhere it serves until rank 0's root ends.
  bool begin_run();
  /// end_run tells the other ranks that the root finished (rank 0 of a job of several ranks).
  void end_run() noexcept;
  [[noreturn]] static void no_default_result();
  std::unique_ptr<Impl> impl_;
};

}  // namespace canopy
