// The differential tester's shrinker: removes children, requests, partitions, regions and phases from
// a failing program while it still fails, so that the program printed is a small one.
#include <functional>
#include <string>

#include "program.hpp"

namespace diff {

namespace {

/// visit calls fn on every node in preorder (with a stable index), stopping when fn returns true.
template <class F>
bool visit(Node& n, F&& fn) {
  if (fn(n)) return true;
  for (Node& c : n.children)
    if (visit(c, fn)) return true;
  return false;
}

std::size_t preorder_size(const Node& n) { return count_nodes(n); }

Node* nth_node(Node& root, std::size_t k) {
  Node* found = nullptr;
  std::size_t i = 0;
  visit(root, [&](Node& n) {
    if (i++ == k) {
      found = &n;
      return true;
    }
    return false;
  });
  return found;
}

bool part_used(const Node& n, int part) {
  for (const Node& c : n.children)
    for (const Request& q : c.requests)
      if (q.from == From::piece && q.part == part) return true;
  return false;
}

bool slot_used(const Node& n, int slot) {
  for (const PartSpec& ps : n.parts)
    if (ps.slot == slot) return true;
  for (const Node& c : n.children)
    for (const Request& q : c.requests)
      if (q.slot == slot) return true;
  return false;
}

std::uint32_t drop_bit(std::uint32_t mask, int k) {
  const std::uint32_t low = mask & ((1u << k) - 1u);
  return low | ((mask >> (k + 1)) << k);
}

/// remove_slot removes slot k of n (its request, for a non-root node); n's parts and children are renumbered.
void remove_slot(Node& n, int k) {
  if (!n.requests.empty()) n.requests.erase(n.requests.begin() + k);
  n.slots.erase(n.slots.begin() + k);
  n.pre_mask = drop_bit(n.pre_mask, k);
  n.post_mask = drop_bit(n.post_mask, k);
  for (PartSpec& ps : n.parts)
    if (ps.slot > k) --ps.slot;
  for (Node& c : n.children)
    for (Request& q : c.requests)
      if (q.slot > k) --q.slot;
}

void renumber_roots(Node& n, int removed) {
  for (Slot& s : n.slots)
    if (s.root > removed) --s.root;
  for (Request& q : n.requests)
    if (q.root > removed) --q.root;
  for (Node& c : n.children) renumber_roots(c, removed);
}

}  // namespace

Program shrink(const Program& original, const std::function<bool(const Program&)>& still_fails) {
  Program best = original;
  bool progress = true;
  auto attempt = [&](const std::function<bool(Program&)>& edit) {
    Program candidate = best;
    if (!edit(candidate)) return false;
    if (!still_fails(candidate)) return false;
    best = std::move(candidate);
    progress = true;
    return true;
  };
  while (progress) {
    progress = false;
    // 1. Remove whole subtrees, largest first (preorder visits parents before children).
    for (std::size_t k = 0; k < preorder_size(best.root); ++k) {
      for (std::size_t c = 0;; ++c) {
        Node* n = nth_node(best.root, k);
        if (!n || c >= n->children.size()) break;
        if (attempt([&](Program& p) {
              Node* m = nth_node(p.root, k);
              m->children.erase(m->children.begin() + static_cast<std::ptrdiff_t>(c));
              return true;
            }))
          --c;
      }
    }
    // 2. Hoist grandchildren: replace a child by nothing but keep shape simpler is covered by 1; now
    //    remove partitions nobody uses, requests nobody needs, and regions nobody touches.
    for (std::size_t k = 0; k < preorder_size(best.root); ++k) {
      for (int part = 0;; ++part) {
        Node* n = nth_node(best.root, k);
        if (!n || part >= static_cast<int>(n->parts.size())) break;
        if (part_used(*n, part)) continue;
        if (attempt([&](Program& p) {
              Node* m = nth_node(p.root, k);
              m->parts.erase(m->parts.begin() + part);
              for (Node& c : m->children)
                for (Request& q : c.requests)
                  if (q.from == From::piece && q.part > part) --q.part;
              return true;
            }))
          --part;
      }
      for (int s = 0;; ++s) {
        Node* n = nth_node(best.root, k);
        if (!n || s >= static_cast<int>(n->slots.size())) break;
        if (slot_used(*n, s) || (k != 0 && n->slots.size() == 1)) continue;
        if (attempt([&](Program& p) {
              Node* m = nth_node(p.root, k);
              remove_slot(*m, s);
              if (k == 0) {
                p.regions.erase(p.regions.begin() + s);
                renumber_roots(p.root, s);
              }
              return true;
            }))
          --s;
      }
    }
    // 3. Simplify bodies: no post phase, fewer touched slots, no spin, collect results.
    for (std::size_t k = 1; k < preorder_size(best.root); ++k) {
      attempt([&](Program& p) {
        Node* m = nth_node(p.root, k);
        if (!m->post) return false;
        m->post = false;
        m->post_mask = 0;
        return true;
      });
      attempt([&](Program& p) {
        Node* m = nth_node(p.root, k);
        if (!m->spin) return false;
        m->spin = 0;
        return true;
      });
      attempt([&](Program& p) {
        Node* m = nth_node(p.root, k);
        if (m->collect) return false;
        m->collect = true;
        return true;
      });
      for (std::size_t s = 0; s < 32; ++s) {
        attempt([&](Program& p) {
          Node* m = nth_node(p.root, k);
          if (s >= m->slots.size() || !(m->pre_mask >> s & 1u) || m->slots[s].priv == Priv::write) return false;
          m->pre_mask &= ~(1u << s);
          return true;
        });
        attempt([&](Program& p) {
          Node* m = nth_node(p.root, k);
          if (!(m->post_mask >> s & 1u)) return false;
          m->post_mask &= ~(1u << s);
          return true;
        });
      }
    }
  }
  return best;
}

}  // namespace diff
