// Program model of the differential tester: privileges, boxes, the random generator and the printer
// (the shrinker is in shrink.cpp).
#include "program.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace diff {

std::string priv_name(Priv p) {
  switch (p) {
    case Priv::read: return "read";
    case Priv::write: return "write";
    case Priv::read_write: return "read_write";
    case Priv::sum: return "reduce<Sum>";
    case Priv::max: return "reduce<Max>";
    case Priv::user: return "reduce<OddMul>";
  }
  return "?";
}

bool is_reduce(Priv p) { return p == Priv::sum || p == Priv::max || p == Priv::user; }

bool conflicts(Priv a, Priv b) {
  if (a == Priv::read && b == Priv::read) return false;
  if (is_reduce(a) && a == b) return false;
  return true;
}

bool grants(Priv held, Priv asked) {
  switch (asked) {
    case Priv::read: return held == Priv::read || held == Priv::read_write;
    case Priv::write: return held == Priv::write || held == Priv::read_write;
    case Priv::read_write: return held == Priv::read_write;
    default: return held == Priv::read_write || held == asked;
  }
}

void fold_op(Priv p, Elem& a, Elem b) {
  switch (p) {
    case Priv::sum: a += b; break;
    case Priv::max: a = std::max(a, b); break;
    case Priv::user: OddMul::fold(a, b); break;
    default: throw std::logic_error("fold_op on a non-reduction privilege");
  }
}

Elem identity_of(Priv p) {
  switch (p) {
    case Priv::sum: return 0;
    case Priv::max: return 0;  // std::numeric_limits<Elem>::lowest()
    case Priv::user: return OddMul::identity();
    default: throw std::logic_error("identity_of a non-reduction privilege");
  }
}

std::size_t Box::volume() const {
  std::size_t v = 1;
  for (int d = 0; d < dims; ++d) v *= hi[d] > lo[d] ? static_cast<std::size_t>(hi[d] - lo[d]) : 0;
  return v;
}

bool Box::overlaps(const Box& o) const {
  if (volume() == 0 || o.volume() == 0) return false;
  for (int d = 0; d < dims; ++d)
    if (o.lo[d] >= hi[d] || lo[d] >= o.hi[d]) return false;
  return true;
}

bool Box::contains(const Box& o) const {
  for (int d = 0; d < dims; ++d)
    if (o.lo[d] < lo[d] || o.hi[d] > hi[d]) return false;
  return true;
}

bool Box::operator==(const Box& o) const {
  if (dims != o.dims) return false;
  for (int d = 0; d < dims; ++d)
    if (lo[d] != o.lo[d] || hi[d] != o.hi[d]) return false;
  return true;
}

std::string Box::str() const {
  std::ostringstream s;
  for (int d = 0; d < dims; ++d) s << (d ? " x " : "") << "[" << lo[d] << ", " << hi[d] << ")";
  return s.str();
}

Box RegionDecl::box() const {
  Box b;
  b.dims = dims;
  for (int d = 0; d < dims; ++d) {
    b.lo[d] = 0;
    b.hi[d] = extent[d];
  }
  return b;
}

int type_index(const Slot& s) { return (s.box.dims - 1) * kPrivs + static_cast<int>(s.priv); }

Elem point_value(std::uint64_t id, int phase, int slot, std::int64_t i, std::int64_t j) {
  return mix(id * 0x100000001B3ull ^ (static_cast<Elem>(phase) << 60) ^ (static_cast<Elem>(slot) << 56) ^
             (static_cast<Elem>(i) << 24) ^ static_cast<Elem>(j));
}

Elem init_value(std::uint64_t seed, int region, std::int64_t i, std::int64_t j) {
  return mix(seed ^ mix(static_cast<Elem>(region) * 7919 + static_cast<Elem>(i) * 104729 + static_cast<Elem>(j)));
}

namespace {

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// below is uniform in [0, n) (n > 0).
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  std::int64_t range(std::int64_t lo, std::int64_t hi) { return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo))); }
  bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }
};

/// equal_blocks is partition_equal's cut: near-equal blocks along dimension 0.
std::vector<Box> equal_blocks(const Box& b, std::size_t k) {
  std::vector<Box> out;
  const std::int64_t len = b.len(0);
  for (std::size_t i = 0; i < k; ++i) {
    Box p = b;
    p.lo[0] = b.lo[0] + static_cast<std::int64_t>(static_cast<__int128>(len) * static_cast<__int128>(i) / static_cast<__int128>(k));
    p.hi[0] = b.lo[0] + static_cast<std::int64_t>(static_cast<__int128>(len) * static_cast<__int128>(i + 1) / static_cast<__int128>(k));
    out.push_back(p);
  }
  return out;
}

bool pairwise_disjoint(const std::vector<Box>& boxes) {
  for (std::size_t a = 0; a < boxes.size(); ++a)
    for (std::size_t b = a + 1; b < boxes.size(); ++b)
      if (boxes[a].overlaps(boxes[b])) return false;
  return true;
}

/// random_sub is a non-empty box inside the non-empty box b.
Box random_sub(Rng& rng, const Box& b) {
  Box s = b;
  for (int d = 0; d < b.dims; ++d) {
    s.lo[d] = rng.range(b.lo[d], b.hi[d]);
    s.hi[d] = rng.range(s.lo[d] + 1, b.hi[d] + 1);
  }
  return s;
}

/// cuts returns sorted cut points strictly inside (lo, hi): `count` of them at most.
std::vector<std::int64_t> cuts(Rng& rng, std::int64_t lo, std::int64_t hi, std::size_t count) {
  std::vector<std::int64_t> c;
  for (std::size_t i = 0; i < count && hi - lo > 1; ++i) c.push_back(rng.range(lo + 1, hi));
  std::sort(c.begin(), c.end());
  c.erase(std::unique(c.begin(), c.end()), c.end());
  return c;
}

PartSpec random_partition(Rng& rng, const Box& b, int slot) {
  PartSpec p;
  p.slot = slot;
  const int kind = static_cast<int>(rng.below(3));
  if (kind == 0) {  // partition_equal
    p.equal = true;
    p.pieces = 1 + rng.below(static_cast<std::uint64_t>(std::min<std::int64_t>(b.len(0), 6)));
    p.boxes = equal_blocks(b, p.pieces);
    p.disjoint = true;
  } else if (kind == 1) {  // user boxes, disjoint: strips along dimension 0 (a grid in 2-D), some dropped
    p.equal = false;
    std::vector<std::int64_t> rows = cuts(rng, b.lo[0], b.hi[0], rng.below(4));
    rows.insert(rows.begin(), b.lo[0]);
    rows.push_back(b.hi[0]);
    for (std::size_t r = 0; r + 1 < rows.size(); ++r) {
      std::vector<std::int64_t> cols{b.lo[1], b.hi[1]};
      if (b.dims == 2 && rng.chance(50)) {
        cols = cuts(rng, b.lo[1], b.hi[1], 1 + rng.below(2));
        cols.insert(cols.begin(), b.lo[1]);
        cols.push_back(b.hi[1]);
      }
      for (std::size_t c = 0; c + 1 < cols.size(); ++c) {
        Box piece = b;
        piece.lo[0] = rows[r];
        piece.hi[0] = rows[r + 1];
        if (b.dims == 2) {
          piece.lo[1] = cols[c];
          piece.hi[1] = cols[c + 1];
        }
        p.boxes.push_back(piece);
      }
    }
    // Drop some pieces (a partition need not cover its region) and shuffle the rest.
    std::vector<Box> kept;
    for (const Box& x : p.boxes)
      if (!rng.chance(20)) kept.push_back(x);
    if (kept.empty()) kept.push_back(p.boxes[rng.below(p.boxes.size())]);
    for (std::size_t i = kept.size(); i > 1; --i) std::swap(kept[i - 1], kept[rng.below(i)]);
    p.boxes = kept;
    p.disjoint = pairwise_disjoint(p.boxes);
  } else {  // user boxes, usually aliased
    p.equal = false;
    const std::size_t n = 2 + rng.below(3);
    for (std::size_t i = 0; i < n; ++i) p.boxes.push_back(random_sub(rng, b));
    p.disjoint = pairwise_disjoint(p.boxes);
  }
  p.pieces = p.boxes.size();
  return p;
}

Priv random_priv_under(Rng& rng, Priv held) {
  if (held != Priv::read_write) return held;
  static constexpr Priv kinds[] = {Priv::read, Priv::read, Priv::read_write, Priv::read_write, Priv::write,
                                   Priv::sum,  Priv::sum,  Priv::max,        Priv::user};
  return kinds[rng.below(std::size(kinds))];
}

class Generator {
 public:
  Generator(std::uint64_t seed, const GenOptions& o) : rng_{mix(seed) ^ 0x5DEECE66Dull}, o_(o) {}

  Program run(std::uint64_t seed) {
    Program p;
    p.seed = seed;
    const std::size_t nregions = 1 + rng_.below(3);
    for (std::size_t r = 0; r < nregions; ++r) {
      RegionDecl d;
      if (rng_.chance(35)) {
        d.dims = 2;
        d.extent[0] = rng_.range(1, o_.max_rows + 1);
        d.extent[1] = rng_.range(1, o_.max_cols + 1);
      } else {
        d.dims = 1;
        d.extent[0] = rng_.range(1, o_.max_extent_1d + 1);
        d.extent[1] = 1;
      }
      p.regions.push_back(d);
      p.root.slots.push_back(Slot{d.box(), Priv::read_write, static_cast<int>(r)});
    }
    p.root.id = 0;
    p.root.collect = true;
    budget_ = o_.max_tasks - 1;
    populate(p.root, 0);
    return p;
  }

 private:
  void populate(Node& n, int depth) {
    const std::size_t nparts = rng_.below(3);
    for (std::size_t i = 0; i < nparts; ++i) {
      const int s = static_cast<int>(rng_.below(n.slots.size()));
      n.parts.push_back(random_partition(rng_, n.slots[static_cast<std::size_t>(s)].box, s));
    }
    std::size_t nchildren = 0;
    if (depth == 0) nchildren = 1 + rng_.below(static_cast<std::uint64_t>(o_.max_root_children));
    else if (depth < o_.max_depth) nchildren = rng_.below(static_cast<std::uint64_t>(std::max(1, o_.max_children - depth / 2) + 1));
    for (std::size_t c = 0; c < nchildren && budget_ > 0; ++c) {
      --budget_;
      Node child;
      child.id = ++next_id_;
      make_requests(n, child);
      populate_body(child);
      n.children.push_back(std::move(child));
    }
    // Every sibling list is complete before the budget goes to deeper levels.
    for (Node& child : n.children) populate(child, depth + 1);
  }

  void make_requests(const Node& parent, Node& child) {
    const std::size_t want = 1 + rng_.below(kMaxRequests);
    for (std::size_t attempt = 0; attempt < 4 * want && child.requests.size() < want; ++attempt) {
      Request q;
      q.slot = static_cast<int>(rng_.below(parent.slots.size()));
      const Slot& held = parent.slots[static_cast<std::size_t>(q.slot)];
      q.root = held.root;
      std::vector<int> parts_here;
      for (std::size_t k = 0; k < parent.parts.size(); ++k)
        if (parent.parts[k].slot == q.slot) parts_here.push_back(static_cast<int>(k));
      const int how = static_cast<int>(rng_.below(10));
      if (how < 5 && !parts_here.empty()) {
        q.from = From::piece;
        q.part = parts_here[rng_.below(parts_here.size())];
        const PartSpec& ps = parent.parts[static_cast<std::size_t>(q.part)];
        q.piece = rng_.below(ps.boxes.size());
        q.box = ps.boxes[q.piece];
      } else if (how < 8) {
        q.from = From::sub;
        q.box = random_sub(rng_, held.box);
      } else {
        q.from = From::whole;
        q.box = held.box;
      }
      q.priv = random_priv_under(rng_, held.priv);
      // One child may hold overlapping boxes with conflicting privileges only under self_conflicts, and
      // never two different reductions of one element: their folds would combine in an unspecified order.
      bool ok = true;
      for (const Request& e : child.requests)
        if (e.root == q.root && e.box.overlaps(q.box) && conflicts(e.priv, q.priv) &&
            (!o_.self_conflicts || (is_reduce(e.priv) && is_reduce(q.priv))))
          ok = false;
      if (ok) child.requests.push_back(q);
    }
    // Canonical order (dimensions, then privilege): the parallel side instantiates one task per
    // multiset of request types, not per sequence.
    std::stable_sort(child.requests.begin(), child.requests.end(), [](const Request& a, const Request& b) {
      return type_index(Slot{a.box, a.priv, 0}) < type_index(Slot{b.box, b.priv, 0});
    });
    for (const Request& q : child.requests) child.slots.push_back(Slot{q.box, q.priv, q.root});
  }

  void populate_body(Node& n) {
    for (std::size_t k = 0; k < n.slots.size(); ++k) {
      if (n.slots[k].priv == Priv::write || rng_.chance(60)) n.pre_mask |= 1u << k;
      if (rng_.chance(60)) n.post_mask |= 1u << k;
    }
    n.post = rng_.chance(35);
    if (!n.post) n.post_mask = 0;
    n.wait_with_get = rng_.chance(50);
    n.collect = rng_.chance(85);
    n.spin = o_.max_spin ? static_cast<std::uint32_t>(rng_.below(o_.max_spin)) : 0;
  }

  Rng rng_;
  GenOptions o_;
  int budget_ = 0;
  std::uint64_t next_id_ = 0;
};

std::string slot_list(std::uint32_t mask, std::size_t n) {
  std::string s;
  for (std::size_t k = 0; k < n; ++k)
    if (mask >> k & 1u) s += (s.empty() ? "s" : ",s") + std::to_string(k);
  return "{" + s + "}";
}

void describe_node(std::ostringstream& out, const Program& p, const Node& n, const Node* parent, int depth) {
  const std::string pad(static_cast<std::size_t>(2 * depth), ' ');
  auto slot_name = [&](int s) {
    return parent == nullptr || parent->id == 0 ? "r" + std::to_string(s) : "s" + std::to_string(s);
  };
  if (parent == nullptr) {
    out << pad << "root (driver): creates";
    for (std::size_t r = 0; r < p.regions.size(); ++r)
      out << " r" << r << " = " << p.regions[r].dims << "-D " << p.regions[r].box().str() << ";";
    out << " write-inits each, holds read_write on each, snapshots each at the end\n";
  } else {
    out << pad << "t" << n.id << "(";
    for (std::size_t k = 0; k < n.requests.size(); ++k) {
      const Request& q = n.requests[k];
      out << (k ? ", " : "") << "s" << k << " = " << priv_name(q.priv) << "(" << slot_name(q.slot);
      if (q.from == From::piece) out << ".P" << q.part << "[" << q.piece << "]";
      if (q.from == From::sub) out << ".sub";
      out << " " << q.box.str() << ")";
    }
    out << ")";
    out << " pre" << slot_list(n.pre_mask, n.slots.size());
    if (n.post) out << " then " << (n.wait_with_get ? "get() each" : "wait_all()") << ", post" << slot_list(n.post_mask, n.slots.size());
    if (!n.collect) out << " (drops its children's futures)";
    if (n.spin) out << " spin " << n.spin;
    out << "\n";
  }
  for (std::size_t k = 0; k < n.parts.size(); ++k) {
    const PartSpec& ps = n.parts[k];
    const std::string owner = parent == nullptr ? "r" + std::to_string(ps.slot) : "s" + std::to_string(ps.slot);
    out << pad << "  P" << k << " = " << owner;
    if (ps.equal) out << ".partition_equal(" << ps.pieces << "):";
    else out << ".partition(" << (ps.disjoint ? "disjoint" : "aliased") << "):";
    for (const Box& b : ps.boxes) out << " " << b.str();
    out << "\n";
  }
  for (const Node& c : n.children) describe_node(out, p, c, &n, depth + 1);
}

}  // namespace

Program generate(std::uint64_t seed, const GenOptions& options) { return Generator(seed, options).run(seed); }

std::string describe(const Program& p) {
  std::ostringstream out;
  out << "program of seed " << p.seed << " (" << count_nodes(p.root) - 1 << " tasks):\n";
  describe_node(out, p, p.root, nullptr, 0);
  return out.str();
}

std::size_t count_nodes(const Node& n) {
  std::size_t c = 1;
  for (const Node& k : n.children) c += count_nodes(k);
  return c;
}

std::size_t count_tasks(const Program& p) { return count_nodes(p.root); }

}  // namespace diff
