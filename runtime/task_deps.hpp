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

/// StackCapture is a child whose closure or arguments hold an address in its parent's stack (checked
/// builds): if it is unfinished when the parent's body returns, that is reported.
struct StackCapture {
  Frame* child;          // a handle reference is held
  const void* address;   // the address it holds
  const void* spawn_pc;  // in the spawning function, for the message
};

struct TaskDeps {
  std::vector<rt::Held> held;
  std::vector<std::unique_ptr<ReductionBufferBase>> reductions;  // made on a Reduce accessor's first fold
  std::vector<Storage*> reduced_storage;  // the regions they fold into, kept alive until the task ends
  std::atomic<int> unmet{0};               // predecessors not finished, plus one while being admitted
  int socket = -1;                         // the socket it was placed on (on_socket), -1 for anywhere
  std::mutex successors_mutex;
  bool finished = false;                   // guarded by successors_mutex
  std::vector<Frame*> successors;          // guarded by successors_mutex
  std::unique_ptr<rt::Analyzer> analyzer;  // for this task's children, made on the first privileged spawn
  bool admission_ref = false;
  std::vector<StackCapture> stack_captures;  // CANOPY_CHECKED users only              // admit_child added a handle reference until the body ends

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
/// fold_reductions folds f's reduction buffers into their regions and frees them (reductions.cpp): none
/// when f failed; an exception from a fold becomes f's error, and the buffers not yet folded are dropped.
void fold_reductions(detail::Frame* f);
/// held_of is what a task holds by a request it was granted (a child's, or a ctx.access).
inline Held held_of(const detail::RequestInfo& r) {
  return Held{r.node->storage->root_id, box_of(r.node), r.privilege, r.op, r.node->id};
}
/// adopt_created gives `receiver`, which got c's result, read-write on the regions c created (or
/// received from its own children's results): a region a task returns belongs to whoever receives it.
void adopt_created(detail::Frame* receiver, const detail::Frame* c);
/// dangling_captures describes the children in `parent`'s stack_captures that have not finished and
/// hold an address below `live_from` (the frame of the function that ran the body, whose locals are
/// gone), one line each naming both tasks and the spawn site; empty when there are none.
std::string dangling_captures(detail::Frame* parent, const void* live_from);
/// release_stack_captures drops the references that stack_captures holds.
void release_stack_captures(detail::TaskDeps& d);
/// privilege_name is "read", "write", "read_write" or "reduce<Op>".
std::string privilege_name(Privilege p, const char* op);

}  // namespace canopy::rt
