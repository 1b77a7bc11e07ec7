#pragma once
// Tracer: with Config::trace_path set, every task's execution becomes a Chrome-trace "X" event
// (open the file in Perfetto or chrome://tracing). A task that parks is cut into one slice per run.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "canopy/detail/frame.hpp"
#include "completion.hpp"

namespace canopy::rt {

/// TraceBuffer collects one worker's slices; only that worker appends to it.
struct TraceBuffer {
  struct Slice {
    const detail::FrameOps* ops;
    const void* function;  // for the task's name, resolved when the file is written
    std::uint64_t id;
    std::uint64_t parent;
    std::uint32_t depth;
    std::int64_t start_ns;
    std::int64_t end_ns;
  };
  int worker = 0;
  std::vector<Slice> slices;
};

/// Tracer owns the buffers of every worker and writes them as one JSON file.
class Tracer {
 public:
  Tracer(std::string path, int workers, int rank);
  TraceBuffer* buffer(int worker) { return &buffers_[static_cast<size_t>(worker)]; }
  /// write dumps every slice so far to the trace file (called when the runtime shuts down).
  void write() const;

 private:
  std::string path_;
  int rank_;
  std::vector<TraceBuffer> buffers_;
};

inline std::int64_t trace_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// record_slice appends [start, now) of task `f` to the worker's buffer, if tracing is on.
inline void record_slice(detail::WorkerHot* w, const detail::Frame* f, std::int64_t start_ns) {
  auto* buf = static_cast<TraceBuffer*>(w->trace);
  buf->slices.push_back(TraceBuffer::Slice{f->ops(), f->ops()->function_address(f), task_id(f), f->parent ? task_id(f->parent) : 0,
                                           task_depth(f), start_ns, trace_clock_ns()});
}

}  // namespace canopy::rt
