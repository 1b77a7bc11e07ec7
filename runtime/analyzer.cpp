#include "analyzer.hpp"

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

Analyzer::~Analyzer() {
  for (auto& [storage, root] : roots_) {
    for (Use& u : root.others) drop(u.task);
    for (auto& p : root.partitions)
      for (auto& list : p->pieces)
        for (Use& u : list) drop(u.task);
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
  if (home) scan(home->pieces[node->color], incoming, preds, true);
  // Other partitions' pieces that overlap this box, found without walking all pieces.
  for (auto& p : root.partitions) {
    if (p.get() == home || !p->bounds.overlaps(incoming.box)) continue;
    scratch_.clear();
    pieces_overlapping(*p->shape, incoming.box, scratch_);
    for (std::size_t i : scratch_) scan(p->pieces[i], incoming, preds, true);
  }
  scan(root.others, incoming, preds, true);

  hold(child);
  if (home) home->pieces[node->color].push_back(incoming);
  else root.others.push_back(incoming);
}

}  // namespace canopy::rt
