// The random program of a seed. Knobs drawn once per program (how often tasks throw, catch, drop
// futures, touch regions, block) make seeds differ in kind, not only in shape: some are all
// exceptions, some all regions, some one wide fan of leaves.
#include <algorithm>
#include <cmath>

#include "program.hpp"

namespace stress {

std::int64_t Rng::log_range(std::int64_t lo, std::int64_t hi) {
  const double a = std::log(static_cast<double>(lo)), b = std::log(static_cast<double>(hi) + 1.0);
  const double x = a + (b - a) * (static_cast<double>(next() >> 11) * 0x1.0p-53);
  return std::clamp(static_cast<std::int64_t>(std::exp(x)), lo, hi);
}

namespace {

/// Held is what a node holds on a region for its children: nothing, read-write on a region it
/// created, or its own request.
struct Held {
  Priv priv = Priv::none;
  Box box;
  const std::vector<Box>* parts = nullptr;
};

std::vector<Box> equal_blocks(const Box& b, std::size_t k) {
  std::vector<Box> out;
  const std::int64_t len = b.size();
  for (std::size_t i = 0; i < k; ++i) {
    const auto lo = static_cast<std::int64_t>(static_cast<__int128>(len) * i / k);
    const auto hi = static_cast<std::int64_t>(static_cast<__int128>(len) * (i + 1) / k);
    out.push_back(Box{b.lo + lo, b.lo + hi});
  }
  return out;
}

class Generator {
 public:
  Generator(std::uint64_t seed, const Options& o) : rng_(mix(seed) ^ 0x57E55ull), opt_(o) {
    max_depth_ = static_cast<int>(rng_.range(2, 8));
    const std::uint64_t size_class = rng_.below(100);
    budget_ = size_class < 50 ? rng_.log_range(3, 60) : size_class < 85 ? rng_.log_range(60, 300) : rng_.log_range(300, 1500);
    const double throw_levels[] = {0.0, 0.03, 0.1, 0.25};
    p_throw_ = throw_levels[rng_.below(4)];
    p_catch_ = 0.4 + 0.55 * static_cast<double>(rng_.below(100)) / 100.0;
    p_drop_ = 0.3 * static_cast<double>(rng_.below(100)) / 100.0;
    p_sibling_ = 0.3 * static_cast<double>(rng_.below(100)) / 100.0;
    regions_ = rng_.chance(0.5);
    p_owner_ = regions_ ? 0.1 + 0.25 * static_cast<double>(rng_.below(100)) / 100.0 : 0.0;
    p_op_ = 0.3 + 0.6 * static_cast<double>(rng_.below(100)) / 100.0;
    blocking_left_ = rng_.chance(0.3) ? static_cast<int>(rng_.range(1, 6)) : 0;
    p_place_ = rng_.chance(0.5) ? 0.15 : 0.02;
    p_probe_ = rng_.chance(0.3) ? 0.1 : 0.0;
    p_after_park_ = rng_.chance(0.3) ? 0.3 : 0.05;
    p_wide_ = rng_.chance(0.2) ? 0.05 : 0.0;
    if (opt_.max_parked >= 1 && rng_.chance(0.004)) gate_ = static_cast<std::uint32_t>(rng_.log_range(std::min<std::int64_t>(1000, opt_.max_parked), opt_.max_parked));
  }

  Program make(std::uint64_t seed) {
    Program p;
    p.seed = seed;
    fill(p.root, 0, Held{}, budget_);
    if (gate_ && !gate_placed_) p.root.gate_waiters = gate_;
    p.gates = gate_;
    p.nodes = next_id_;
    return p;
  }

 private:
  void fill(Node& n, int depth, Held held, std::int64_t budget) {
    n.id = next_id_++;
    std::int64_t fanout = 0;
    if (depth < max_depth_ && budget > 1) {
      // Leaves are common only where little budget is left: a large budget should become a large tree.
      if (rng_.chance(p_wide_)) fanout = rng_.range(40, 120);
      else if (depth == 0 || !rng_.chance(budget < 16 ? 0.35 : 0.08)) fanout = rng_.range(1, 8);
      fanout = std::min(fanout, budget - 1);
    }
    const std::uint64_t order = rng_.below(100);
    n.order = order < 25 ? Order::forward : order < 45 ? Order::reverse : order < 60 ? Order::shuffled
              : order < 75 ? Order::eager : order < 90 ? Order::wait_all_first : Order::index_launch;
    if (rng_.chance(0.3)) n.spin = static_cast<std::uint32_t>(rng_.log_range(1, 20000));
    if (blocking_left_ > 0 && rng_.chance(0.05)) {
      --blocking_left_;
      n.blocking = true;
      n.blocking_us = static_cast<std::uint16_t>(rng_.range(0, 1000));
      n.blocking_throws = rng_.chance(0.25);
      n.catch_blocking = rng_.chance(p_catch_);
    }
    if (rng_.chance(p_probe_)) {
      n.probe = true;
      n.probe_park = blocking_left_ > 0 && rng_.chance(0.3) ? (--blocking_left_, Park::blocking) : Park::child;
    }
    if (gate_ && !gate_placed_ && depth >= 1 && rng_.chance(0.1)) {
      n.gate_waiters = gate_;
      gate_placed_ = true;
    }
    // An owner without region ops among its children would only check zeros.
    if (n.priv == Priv::none && fanout > 0 && n.order != Order::index_launch && rng_.chance(p_owner_)) n.region = static_cast<std::int32_t>(rng_.log_range(1, 256));
    if (n.region > 0) held = Held{Priv::read_write, Box{0, n.region}, nullptr};
    if (n.priv != Priv::none) held = Held{n.priv, n.box, nullptr};
    if (held.priv != Priv::none && rng_.chance(0.4)) {
      const std::int64_t len = held.box.size();
      const auto k = static_cast<std::size_t>(rng_.range(1, std::min<std::int64_t>(8, len)));
      if (rng_.chance(0.6)) {
        n.parts_equal = true;
        n.parts = equal_blocks(held.box, k);
      } else {
        for (std::size_t i = 0; i < k; ++i) n.parts.push_back(sub_box(held.box));  // may overlap: aliased
      }
      held.parts = &n.parts;
    }
    if (n.priv != Priv::none && rng_.chance(0.3)) {
      n.post = true;
      n.catch_post = rng_.chance(p_catch_);
    }
    n.std_exception = rng_.chance(0.5);
    n.contain = rng_.chance(0.03);
    if (rng_.chance(p_throw_)) {
      const std::uint64_t k = rng_.below(100);
      n.throws = k < 30 ? Throw::at_start : k < 100 * (1.0 - p_after_park_) ? Throw::at_end : Throw::after_park;
    }
    if (n.throws == Throw::after_park) {
      n.rethrow_park = blocking_left_ > 0 && rng_.chance(0.2) ? (--blocking_left_, Park::blocking) : Park::child;
      n.rethrow_spawn_in_catch = rng_.chance(0.5);
      n.rethrow_swallow = rng_.chance(0.5);
    }

    const bool rethrow_child = n.throws == Throw::after_park && n.rethrow_park == Park::child;
    if (rethrow_child && n.order == Order::index_launch) n.order = Order::forward;
    const bool index = n.order == Order::index_launch;
    n.children.resize(static_cast<std::size_t>(fanout));
    const std::size_t m = n.children.size();
    for (std::size_t i = 0; i < m; ++i) {
      Node& c = n.children[i];
      c.catch_get = rng_.chance(p_catch_);
      if (index) continue;  // spawn_each: plain children, all got through the map
      if (held.priv != Priv::none && rng_.chance(p_op_)) request(c, held);
      if (rng_.chance(p_place_)) c.place = static_cast<Place>(rng_.range(1, 3));
      const double u = static_cast<double>(rng_.below(1000)) / 1000.0;
      if (u < p_drop_ / 2) c.use = Use::drop_now;
      else if (u < p_drop_) c.use = Use::drop_later;
      else if (i + 1 < m && u < p_drop_ + p_sibling_) {
        c.use = rng_.chance(0.25) ? Use::shared : Use::sibling;
        Node& to = n.children[static_cast<std::size_t>(rng_.range(static_cast<std::int64_t>(i) + 1, static_cast<std::int64_t>(m) - 1))];
        to.inputs.push_back(Input{static_cast<std::uint16_t>(i), c.use == Use::shared, rng_.chance(p_catch_)});
      }
    }
    if (index) n.map_dropped = rng_.chance(0.15);
    if (rethrow_child) {
      Node& c = n.children.emplace_back();
      c.place = Place::socket0;  // never on our deque: the get in the catch block parks
      c.use = Use::rethrow;
      c.catch_get = false;
    }
    if (m > 0 && !index && rng_.chance(0.2)) {
      n.wait_all_after = static_cast<std::int32_t>(rng_.below(m));
      n.catch_wait_all = rng_.chance(p_catch_);
    }
    if (n.order == Order::wait_all_first) n.catch_wait_all = rng_.chance(p_catch_);
    if (n.order == Order::shuffled) {
      for (std::size_t i = 0; i < n.children.size(); ++i) n.perm.push_back(static_cast<std::uint16_t>(i));
      for (std::size_t i = n.perm.size(); i > 1; --i) std::swap(n.perm[i - 1], n.perm[rng_.below(i)]);
    }
    for (Node& c : n.children) c.inputs_reverse = rng_.chance(0.3);
    // Each child's subtree gets an equal share of what is left, so that a wide node has leaves.
    const std::int64_t share = n.children.empty() ? 0 : (budget - 1 - static_cast<std::int64_t>(n.children.size())) / static_cast<std::int64_t>(n.children.size());
    for (Node& c : n.children) fill(c, depth + 1, c.priv == Priv::none ? Held{} : held, std::max<std::int64_t>(1, share + 1));
  }

  /// request makes c a region op on part of what its parent holds, with a privilege the parent can grant.
  void request(Node& c, const Held& held) {
    switch (held.priv) {
      case Priv::read: c.priv = Priv::read; break;
      case Priv::write: c.priv = rng_.chance(0.5) ? Priv::write : Priv::read_write; break;
      case Priv::sum: c.priv = Priv::sum; break;
      default: c.priv = static_cast<Priv>(rng_.range(1, 4)); break;
    }
    if (held.parts && !held.parts->empty() && rng_.chance(0.5)) {
      c.piece = static_cast<std::int16_t>(rng_.below(held.parts->size()));
      c.box = (*held.parts)[static_cast<std::size_t>(c.piece)];
    } else {
      c.box = rng_.chance(0.3) ? held.box : sub_box(held.box);
    }
  }

  Box sub_box(const Box& b) {
    const std::int64_t lo = rng_.range(b.lo, b.hi - 1);
    return Box{lo, rng_.range(lo + 1, b.hi)};
  }

  Rng rng_;
  const Options& opt_;
  int max_depth_ = 0;
  std::int64_t budget_ = 0;
  double p_throw_ = 0, p_catch_ = 0, p_drop_ = 0, p_sibling_ = 0, p_owner_ = 0, p_op_ = 0, p_place_ = 0, p_probe_ = 0,
         p_after_park_ = 0, p_wide_ = 0;
  bool regions_ = false;
  int blocking_left_ = 0;
  std::uint32_t gate_ = 0;
  bool gate_placed_ = false;
  std::uint32_t next_id_ = 0;
};

Node* find(Node& n, std::uint32_t id) {
  if (n.id == id) return &n;
  for (Node& c : n.children)
    if (Node* x = find(c, id)) return x;
  return nullptr;
}

Node* parent_of(Node& n, std::uint32_t id) {
  for (Node& c : n.children) {
    if (c.id == id) return &n;
    if (Node* x = parent_of(c, id)) return x;
  }
  return nullptr;
}

}  // namespace

Program generate(std::uint64_t seed, const Options& options) {
  Program p = Generator(seed, options).make(seed);
  // Where several children fail and nobody got their futures, a join reports one of them, and which
  // one depends on timing. Containing all but one makes every join's report, and so every checksum,
  // a function of the program.
  //
  // Likewise a failing task whose siblings the runtime might cancel (see reference.cpp): which of them
  // would not run depends on timing. Its parent waits for all its children right before spawning it
  // (when an earlier sibling might not have started) or right after (when the parent spawns more
  // before its next join); a point of spawn_each, or a child spawned in a catch block, is contained.
  for (;;) {
    try {
      (void)run_reference(p);
      return p;
    } catch (const Ambiguous& a) {
      Node* host = find(p.root, a.node);
      for (std::size_t k = 1; k < a.children.size(); ++k) host->children[a.children[k]].contain = true;
    } catch (const Cancellable& c) {
      Node* host = parent_of(p.root, c.node);
      Node& x = *find(p.root, c.node);
      const bool late = x.use == Use::rethrow && host->rethrow_spawn_in_catch;
      bool& fence = c.unstarted ? x.join_before : x.join_after;
      if (host->order == Order::index_launch || late || fence) {
        x.contain = true;
      } else {
        fence = true;
        x.catch_fence = x.use == Use::rethrow || mix(seed ^ (x.id * 0x9E3779B97F4A7C15ull)) % 4 != 0;
      }
    }
  }
}

}  // namespace stress
