#pragma once
// TaskDeps: what a task with privileges carries besides its frame: what it holds (its requests and
// the regions it created), its unmet predecessors, its successors, its reduction buffers, and the
// analyzer that orders its own children.
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "canopy/accessor.hpp"
#include "canopy/detail/frame.hpp"
#include "regions.hpp"

namespace canopy::rt {

class Analyzer;

/// Held is one privilege a task holds on a box of a root region.
struct Held {
  std::uint64_t root;        // the root region's id (holding it does not keep the data alive)
  Box box;
  Privilege privilege;
  const char* op;            // reduction operator (mangled), for reduce
  std::uint64_t region_id;
  bool created = false;      // the task (or a child whose result it got) made the region
};

}  // namespace canopy::rt

namespace canopy::detail {

struct TaskDeps {
  std::vector<rt::Held> held;
  std::vector<std::unique_ptr<ReductionBufferBase>> reductions;
  std::vector<Storage*> reduced_storage;  // parallel to `reductions`: whose fold lock to take
  std::atomic<int> unmet{0};               // predecessors not finished, plus one while being admitted
  int socket = -1;                         // the socket it was placed on (on_socket), -1 for anywhere
  std::mutex successors_mutex;
  bool finished = false;                   // guarded by successors_mutex
  std::vector<Frame*> successors;          // guarded by successors_mutex
  std::unique_ptr<rt::Analyzer> analyzer;  // for this task's children, made on the first privileged spawn
  bool admission_ref = false;              // admit_child added a handle reference until the body ends

  TaskDeps();
  ~TaskDeps();
};

}  // namespace canopy::detail

namespace canopy::rt {

/// deps_of returns f's TaskDeps, creating it on first use.
detail::TaskDeps& deps_of(detail::Frame* f);
/// finish_deps runs when a task's body and children are done: folds its reductions, drops its
/// analyzer and releases the successors whose last predecessor it was.
void finish_deps(detail::Frame* f, std::int64_t witness_start_ns);
/// adopt_created gives `receiver`, which got c's result, read-write on the regions c created (or
/// received from its own children's results): a region a task returns belongs to whoever receives it.
void adopt_created(detail::Frame* receiver, const detail::Frame* c);
/// privilege_name is "read", "write", "read_write" or "reduce<Op>".
std::string privilege_name(Privilege p, const char* op);

}  // namespace canopy::rt
