// The privilege check at spawn (a child may ask only for what its parent holds) and the admission of
// a privileged child: its holdings, its place in the parent's analyzer, its predecessors.

#include <cstdlib>
#include <cstring>
#include <sstream>

#include "analyzer.hpp"
#include "canopy/errors.hpp"
#include "completion.hpp"
#include "task_deps.hpp"

namespace canopy::rt {

namespace {

/// grants says whether holding `held` lets a task pass `asked` to a child.
bool grants(Privilege held, const char* held_op, Privilege asked, const char* asked_op) {
  switch (asked) {
    case Privilege::read: return held == Privilege::read || held == Privilege::read_write;
    case Privilege::write: return held == Privilege::write || held == Privilege::read_write;
    case Privilege::read_write: return held == Privilege::write || held == Privilege::read_write;  // api.md
    case Privilege::reduce:
      return held == Privilege::read_write ||
             (held == Privilege::reduce && !conflicts(held, held_op, asked, asked_op));
  }
  return false;
}

[[noreturn]] void refuse(const detail::Frame* parent, const detail::RequestInfo& r, const Box& missing,
                         const char* child_type, const void* child_fn) {
  const detail::RegionNode* n = r.node;
  std::ostringstream msg;
  msg << "canopy::PrivilegeError: " << r.where.file_name() << ":" << r.where.line() << ": task '"
      << task_name(parent) << "' ";
  if (!child_fn && std::strcmp(child_type, "ctx.access") == 0) msg << "asks ctx.access for ";
  else msg << "spawns '" << callable_name(child_type, child_fn) << "' with ";
  msg
      << privilege_name(r.privilege, r.op) << " on region #" << n->id << " " << box_of(n).str() << " of "
      << demangle(r.elem_type) << " (root region #" << n->storage->root_id << "), but ";
  std::vector<std::string> holdings;
  if (parent->deps)
    for (const Held& h : parent->deps->held)
      if (h.root == n->storage->root_id) holdings.push_back(privilege_name(h.privilege, h.op) + " on " + h.box.str());
  if (holdings.empty()) {
    msg << "it holds nothing on that region";
  } else {
    msg << "it holds only ";
    for (std::size_t i = 0; i < holdings.size(); ++i) msg << (i ? ", " : "") << holdings[i];
    msg << " there (" << missing.str() << " is not covered)";
  }
  throw PrivilegeError(msg.str());
}

}  // namespace

void adopt_created(detail::Frame* receiver, const detail::Frame* c) {
  if (!receiver || !c->deps || receiver == c) return;
  std::vector<Held> created;
  for (const Held& h : c->deps->held)
    if (h.created) created.push_back(h);
  if (created.empty()) return;
  std::vector<Held>& held = deps_of(receiver).held;
  held.insert(held.end(), created.begin(), created.end());
}

}  // namespace canopy::rt

namespace canopy::detail {

using rt::Box;

void check_requests(const Frame* parent, const RequestInfo* requests, std::size_t n, const char* child_type,
                    const void* child_fn) {
  for (std::size_t i = 0; i < n; ++i) {
    const RequestInfo& r = requests[i];
    // Covered when the union of the boxes held with a sufficient privilege contains the request:
    // cut each such box out of what is still uncovered.
    std::vector<Box> uncovered;
    if (!rt::box_of(r.node).empty()) uncovered.push_back(rt::box_of(r.node));  // nothing asked, nothing to hold
    if (parent->deps)
      for (const rt::Held& h : parent->deps->held) {
        if (h.root != r.node->storage->root_id || !rt::grants(h.privilege, h.op, r.privilege, r.op)) continue;
        std::vector<Box> next;
        for (const Box& b : uncovered)
          for (const Box& piece : b.subtract(h.box)) next.push_back(piece);
        uncovered.swap(next);
        if (uncovered.empty()) break;
      }
    if (!uncovered.empty()) rt::refuse(parent, r, uncovered.front(), child_type, child_fn);
  }
}

bool admit_child(Frame* parent, Frame* child, const RequestInfo* requests, std::size_t n, int socket) {
  TaskDeps& mine = rt::deps_of(parent);
  TaskDeps& theirs = rt::deps_of(child);
  if (!mine.analyzer) mine.analyzer = std::make_unique<rt::Analyzer>();
  theirs.unmet.store(1, std::memory_order_relaxed);
  // Until its body ends the child carries one reference more than its handles: the inline get, which
  // looks at the count alone, then leaves it to the general path, which honours its privileges.
  child->refs.fetch_add(kHandleRef, std::memory_order_relaxed);
  theirs.admission_ref = true;
  theirs.socket = socket;  // held until every predecessor is registered
  std::vector<Frame*> preds;
  for (std::size_t i = 0; i < n; ++i) {
    const RequestInfo& r = requests[i];
    theirs.held.push_back(rt::held_of(r));
    mine.analyzer->add(child, r, preds);
  }
  for (Frame* p : preds) {
    {
      TaskDeps& pd = *p->deps;
      std::lock_guard<std::mutex> lk(pd.successors_mutex);
      if (!pd.finished) {
        pd.successors.push_back(child);
        theirs.unmet.fetch_add(1, std::memory_order_relaxed);
      }
    }
    rt::release_ref(p, kHandleRef);  // the reference the analyzer took for this list
  }
  return theirs.unmet.fetch_sub(1, std::memory_order_acq_rel) == 1;
}

RegionNode* create_region_for(Frame* task, int dims, const std::int64_t* extent, std::size_t elem_size,
                              std::size_t elem_align, const char* elem_type) {
  const WorkerHot* w = current_worker_hot();
  if (!w || w->current != task) wrong_context(task, "create_region");
  RegionNode* n = region_create(dims, extent, elem_size, elem_align, elem_type);
  rt::deps_of(task).held.push_back(
      rt::Held{n->storage->root_id, rt::box_of(n), Privilege::read_write, nullptr, n->id, /*created=*/true});
  return n;
}

void out_of_bounds(std::uint64_t region, const char* privilege, int dims, const std::int64_t* index,
                   const std::int64_t* lo, const std::int64_t* hi) {
  std::ostringstream msg;
  msg << "canopy: out-of-bounds access (" << privilege << ") to region #" << region << " at (";
  for (int d = 0; d < dims; ++d) msg << (d ? ", " : "") << index[d];
  msg << "); the accessor covers ";
  for (int d = 0; d < dims; ++d) msg << (d ? " x " : "") << "[" << lo[d] << ", " << hi[d] << ")";
  throw Error(msg.str());
}

void not_contiguous(std::uint64_t region) {
  throw Error("canopy: the accessor of region #" + std::to_string(region) +
              " does not cover whole rows, so its elements are not contiguous; use operator()(i, j)");
}

}  // namespace canopy::detail
