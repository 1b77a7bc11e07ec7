#pragma once
// The exported ABI: every entry point of libcanopy that the inline templates of the public headers call,
// in one place. Nothing else in include/canopy reaches into the compiled runtime (the deque's two
// out-of-line methods and the region handles' functions in region_node.hpp aside).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "canopy/export.hpp"
#include "canopy/info.hpp"
#include "canopy/placement.hpp"

namespace canopy::detail {

struct Task;
struct Frame;
struct WorkerHot;
struct RequestInfo;
struct RegionNode;
struct Mapping;
struct RemoteTaskEntry;
struct ResultCodec;

// ---- workers and frame blocks (worker_hot.hpp) ----

/// current_worker_hot is the calling thread's worker, nullptr on threads that are not workers.
CANOPY_EXPORT WorkerHot* current_worker_hot();

/// refill_frames hands out a block of class `cls` when the worker's free list is empty.
CANOPY_EXPORT void* refill_frames(WorkerHot* w, std::size_t cls);
/// release_frame_block takes back a destroyed frame's block that w's cache cannot keep (w may be nullptr).
CANOPY_EXPORT void release_frame_block(WorkerHot* w, void* block, std::uint8_t cls);
/// wake_sleeper rouses one sleeping worker of w's scheduler because w has work to steal.
CANOPY_EXPORT void wake_sleeper(WorkerHot* w);

// ---- running, spawning and joining tasks (frame.hpp, spawn.hpp, own_child.hpp) ----

/// execute_frame is the Task::execute of every frame: body, implicit wait for children, completion.
CANOPY_EXPORT void execute_frame(Task* t);
CANOPY_EXPORT void future_get(Frame* f, void* out);      // wait, rethrow, move/copy result, drop handle
CANOPY_EXPORT void future_wait(Frame* f);                // wait for completion
CANOPY_EXPORT void future_release(Frame* f);             // drop a handle
CANOPY_EXPORT void future_retain(Frame* f);              // add a handle
/// wrong_context throws Error: `what` (spawn, wait_all, create_region) went through the Context of task
/// `f`, which is not the task running on this thread.
[[noreturn]] CANOPY_EXPORT void wrong_context(const Frame* f, const char* what);
CANOPY_EXPORT void check_placement(const Frame* parent, Placement p);  // throws if `p` cannot be served
CANOPY_EXPORT void spawn_placed(Frame* parent, Frame* child, Placement p);  // queue a placed child
CANOPY_EXPORT void wait_all_children(Frame* parent);
CANOPY_EXPORT TaskInfo task_info(const Frame* f);
CANOPY_EXPORT int job_ranks(const Frame* f);
/// check_requests throws PrivilegeError unless `parent` holds what each request asks for.
CANOPY_EXPORT void check_requests(const Frame* parent, const RequestInfo* requests, std::size_t n,
                                  const char* child_type, const void* child_fn);
/// admit_child records a checked child's requests in the parent's analyzer; true when it may run now,
/// false when it waits for earlier siblings (it is queued when the last one finishes).
CANOPY_EXPORT bool admit_child(Frame* parent, Frame* child, const RequestInfo* requests, std::size_t n,
                               int socket);
/// access_begin starts an inline mapping (ctx.access) of `request` for `parent`: checks that it holds
/// what it asks, records it in its analyzer, and waits for the earlier conflicting children. The
/// returned mapping carries one reference, which the accessor takes over.
CANOPY_EXPORT Mapping* access_begin(Frame* parent, const RequestInfo& request);
/// too_few_pieces throws Error: spawn_each of n points was given canopy::each over fewer pieces.
[[noreturn]] CANOPY_EXPORT void too_few_pieces(const Frame* parent, std::size_t n, std::size_t pieces);
/// stack_address_in (CANOPY_CHECKED builds) returns a word of the n bytes at `bytes` (a closure or an
/// argument) that points into the calling task's stack, or nullptr.
CANOPY_EXPORT const void* stack_address_in(const void* bytes, std::size_t n);
/// note_stack_capture records that `child` holds `address` in `parent`'s stack: unfinished when the
/// parent's body returns, it is reported. Called from the spawning function itself (for its line).
CANOPY_EXPORT void note_stack_capture(Frame* parent, Frame* child, const void* address);
/// create_region_for makes a root region that `task` holds read-write.
CANOPY_EXPORT RegionNode* create_region_for(Frame* task, int dims, const std::int64_t* extent, std::size_t elem_size,
                                            std::size_t elem_align, const char* elem_type);
/// finish_children is a task's implicit wait_all when its body returns with children unjoined; their
/// first unobserved error becomes the task's unless it failed itself.
CANOPY_EXPORT void finish_children(Frame* c);
/// finish_inline_deps ends and frees the dependences of a child run by the inline get: admitted
/// without privileges, it can still have created regions (and ordered its children on them).
CANOPY_EXPORT void finish_inline_deps(Frame* c);
/// rethrow_inline_child_error marks c's exception observed, frees c and rethrows the exception.
[[noreturn]] CANOPY_EXPORT void rethrow_inline_child_error(WorkerHot* w, Frame* c);

/// not_run records that `f`, cancelled before it started, does not run: its error becomes a
/// canopy::Cancelled naming it (its arguments are destroyed by the caller).
CANOPY_EXPORT void not_run(Frame* f);
/// task_cancelled is ctx.cancelled(): f was cancelled, or an ancestor was, or a sibling of f or of an
/// ancestor failed (the walk up runs only here, never when a task starts).
CANOPY_EXPORT bool task_cancelled(const Frame* f);

/// inline_child_threw finishes an inline child whose body threw (its exception is in c->error): waits
/// for its children, gives the worker back to the parent, frees c and rethrows. Called outside any
/// catch block, since waiting may park the fiber.
[[noreturn]] CANOPY_EXPORT void inline_child_threw(Frame* c);

// ---- tasks and futures across ranks (remote.hpp) ----

/// FutureRef names a future across ranks: the rank that owns it and its id there.
struct FutureRef {
  std::int32_t rank = 0;
  std::uint64_t id = 0;
};

/// send_spawn sends `child` (a RemoteFrame linked to `parent`) to run on `rank`; a rank known to have
/// failed completes it at once with RemoteError.
CANOPY_EXPORT void send_spawn(Frame* parent, Frame* child, int rank, const RemoteTaskEntry* entry,
                              const void* function, std::vector<std::byte> args);
/// cannot_travel throws RemoteError: `parent` spawned a task of type `callable` (`function`, when it is a
/// plain function) on another rank, where it cannot go (`why` says what does not travel; `type`, when not
/// null, is the type at fault).
[[noreturn]] CANOPY_EXPORT void cannot_travel(const Frame* parent, int rank, const char* callable,
                                              const void* function, const char* why, const char* type);
/// export_future keeps `f` alive for another rank to fetch; returns the reference that names it.
CANOPY_EXPORT FutureRef export_future(Frame* f);
/// import_future returns a frame whose result is that of the future `ref` (fetched from its owner);
/// `proxy` is a fresh RemoteFrame of the right result type, used or freed here.
CANOPY_EXPORT Frame* import_future(FutureRef ref, Frame* proxy, const ResultCodec* codec);

}  // namespace canopy::detail

/// canopy_tls_worker is the calling thread's worker (read through this_worker(), never directly).
extern "C" CANOPY_EXPORT thread_local canopy::detail::WorkerHot* canopy_tls_worker
    __attribute__((tls_model("initial-exec")));
