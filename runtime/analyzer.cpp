#include "analyzer.hpp"

#include <algorithm>
#include <cstring>

#include "completion.hpp"

namespace canopy::rt {

using detail::Frame;

bool conflicts(Privilege a, const char* op_a, Privilege b, const char* op_b) {
  if (a == Privilege::read && b == Privilege::read) return false;
  if (a == Privilege::reduce && b == Privilege::reduce)
    return !(op_a == op_b || (op_a && op_b && std::strcmp(op_a, op_b) == 0));
  return true;
}

namespace {
bool exclusive(Privilege p) { return p == Privilege::write || p == Privilege::read_write; }

void hold(Frame* f) { f->refs.fetch_add(detail::kHandleRef, std::memory_order_relaxed); }
void drop(Frame* f) { release_ref(f, detail::kHandleRef); }
bool finished(const Frame* f) { return f->state.load(std::memory_order_acquire) == detail::kDone; }
}  // namespace

namespace {
void drop_all(UseList& list) {
  for (auto* part : {&list.readers, &list.reducers, &list.writers})
    for (Use& u : *part) drop(u.task);
}
}  // namespace

Analyzer::~Analyzer() {
  for (auto& [root_id, root] : roots_) {
    drop_all(root.others);
    for (auto& p : root.partitions)
      for (UseList& list : p->pieces) drop_all(list);
  }
}

void Analyzer::visit(UseList& list, const Use& incoming, std::vector<Frame*>& preds) {
  scan(list.writers, incoming, preds, true);
  if (incoming.privilege != Privilege::read) scan(list.readers, incoming, preds, true);
  const bool same_op_reducers =
      incoming.privilege == Privilege::reduce && !list.mixed_reducers && !list.reducers.empty() &&
      !conflicts(Privilege::reduce, list.reducer_op, Privilege::reduce, incoming.op);
  if (!same_op_reducers) scan(list.reducers, incoming, preds, true);
}

namespace {
/// compact drops finished uses once `part` reaches `at` entries; doubling `at` keeps it amortised O(1).
void compact(std::vector<Use>& part, std::size_t& at) {
  if (part.size() < at) return;
  std::size_t keep = 0;
  for (Use& u : part) {
    if (finished(u.task)) drop(u.task);
    else part[keep++] = u;
  }
  part.resize(keep);
  at = std::max<std::size_t>(16, 2 * keep);
}
}  // namespace

void Analyzer::append(UseList& list, const Use& incoming) {
  hold(incoming.task);
  switch (incoming.privilege) {
    case Privilege::read:
      // Readers are not scanned by readers, nor same-operator reducers by reducers: prune them here.
      compact(list.readers, list.compact_readers_at);
      list.readers.push_back(incoming);
      break;
    case Privilege::reduce:
      compact(list.reducers, list.compact_reducers_at);
      if (list.reducers.empty()) {
        list.reducer_op = incoming.op;
        list.mixed_reducers = false;
      } else if (conflicts(Privilege::reduce, list.reducer_op, Privilege::reduce, incoming.op)) {
        list.mixed_reducers = true;
      }
      list.reducers.push_back(incoming);
      break;
    default:
      list.writers.push_back(incoming);
  }
}

void Analyzer::scan(std::vector<Use>& list, const Use& incoming, std::vector<Frame*>& preds, bool may_prune) {
  std::size_t keep = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    Use& u = list[i];
    bool drop_it = finished(u.task);
    // A task's own requests never order it against itself (one child may read and reduce one region).
    if (u.task == incoming.task) {
      list[keep++] = u;
      continue;
    }
    if (!drop_it && u.box.overlaps(incoming.box) && conflicts(u.privilege, u.op, incoming.privilege, incoming.op)) {
      hold(u.task);  // a predecessor pruned below may finish and vanish before the caller links to it
      preds.push_back(u.task);
      drop_it = may_prune && exclusive(incoming.privilege) && incoming.box.contains(u.box);
    }
    if (drop_it) drop(u.task);
    else list[keep++] = u;
  }
  list.resize(keep);
}

Analyzer::PartitionUsers& Analyzer::users_of(RootUsers& root, const detail::PartitionNode* p) {
  auto it = root.by_partition.find(p->id);
  if (it != root.by_partition.end()) return *it->second;
  auto users = std::make_unique<PartitionUsers>();
  users->shape = p->shape;
  users->bounds = box_of(p->parent);
  users->pieces.resize(p->shape->count);
  PartitionUsers* raw = users.get();
  root.partitions.push_back(std::move(users));
  root.by_partition.emplace(p->id, raw);
  return *raw;
}

void Analyzer::add(Frame* child, const detail::RequestInfo& request, std::vector<Frame*>& preds) {
  detail::RegionNode* node = request.node;
  RootUsers& root = roots_[node->storage->root_id];
  Use incoming{child, box_of(node), request.privilege, request.op};
  PartitionUsers* home = nullptr;
  if (node->partition && node->partition->disjoint) home = &users_of(root, node->partition);

  // The piece's own list: everything in it overlaps only this piece.
  if (home) visit(home->pieces[node->color], incoming, preds);
  // Other partitions' pieces that overlap this box, found without walking all pieces.
  for (auto& p : root.partitions) {
    if (p.get() == home || !p->bounds.overlaps(incoming.box)) continue;
    scratch_.clear();
    pieces_overlapping(*p->shape, incoming.box, scratch_);
    for (std::size_t i : scratch_) visit(p->pieces[i], incoming, preds);
  }
  visit(root.others, incoming, preds);
  append(home ? home->pieces[node->color] : root.others, incoming);
}

}  // namespace canopy::rt
