#pragma once
// The body every node runs, written once over an executor (Ex): ParExec (parallel.cpp) spawns canopy
// tasks and touches accessors; RefExec (reference.cpp) runs each child to completion where it is
// spawned and touches std::vectors. Everything a node folds into its checksum (values, caught
// exception ids, region contents) goes through here, so the two agree unless the runtime errs.
//
// Ex provides: check_fresh(n), spin(k), input(j), blocking(n), gate(n), hold(n), read/write/reduce(i, v)
// on the box the node holds, spawn(i), drop(i), get(i), wait_all(anonymous), spawn_each(m), get_map(),
// snapshot(n), park(kind), uncaught(), record_probe(n, before, after).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "program.hpp"

namespace stress {

// Tags keep the folds of different events apart: a value got as an input and the same value got
// as a child must not cancel out.
inline constexpr std::uint64_t kCaughtTag = 0x1000, kInputTag = 0x2000, kWaitTag = 0x3000, kPostTag = 0x4000,
                               kBlockTag = 0x5000, kGateTag = 0x6000, kSnapTag = 0x7000, kMapTag = 0x8000,
                               kContainTag = 0x9000, kFenceTag = 0xA000;

inline std::uint64_t fold(std::uint64_t acc, std::uint64_t tag, std::uint64_t v) { return mix(acc ^ mix(v + tag * 0x9E37ull)); }

/// caught_id is the id of the Boom being handled; anything else (a canopy::Error, a DeadlockError,
/// the reference's Ambiguous) is rethrown, so that no handler here hides a runtime failure.
inline std::uint64_t caught_id() {
  try {
    throw;
  } catch (const Boom& b) {
    return b.id;
  } catch (const BoomStd& b) {
    return b.id | kStdBit;
  }
}

[[noreturn]] inline void throw_boom(const Node& n, unsigned site, std::uint64_t extra = 0) {
  if (n.std_exception) throw BoomStd(boom_id(n.id, site, extra));
  throw Boom{boom_id(n.id, site, extra)};
}

/// The gate's value and what waiter i of gate host `host` returns (or throws) once the gate opened.
inline std::uint64_t gate_value(std::uint32_t host) { return mix(0x6A7Eull ^ host); }
inline bool waiter_throws(std::uint32_t host, std::uint32_t i) { return mix(host * 7919ull + i) % 97 == 0; }
inline std::uint64_t waiter_result(std::uint32_t host, std::uint32_t i, std::uint64_t gate) {
  if (waiter_throws(host, i)) throw Boom{boom_id(host, 4, i)};
  return gate ^ mix(i);
}
/// blocking_result is what a node's blocking section returns (or throws).
inline std::uint64_t blocking_result(const Node& n) {
  if (n.blocking_throws) throw_boom(n, 3);
  return mix(n.id * 31ull + n.blocking_us);
}

inline std::uint64_t element_value(std::uint32_t node, int phase, std::int64_t i) {
  return mix((std::uint64_t{node} << 20) ^ (static_cast<std::uint64_t>(phase) << 16) ^ static_cast<std::uint64_t>(i));
}

/// region_hash is what a region owner folds of its region's final contents.
inline std::uint64_t region_hash(const std::vector<std::uint64_t>& v) {
  std::uint64_t h = v.size();
  for (std::uint64_t x : v) h = mix(h ^ x);
  return h;
}
/// probe_code packs what a probe saw, relative to its task's start: the uncaught count before and after its park.
inline std::uint8_t probe_code(int before, int after) {
  auto clamp = [](int x) { return x < 0 ? 7 : x > 6 ? 6 : x; };
  return static_cast<std::uint8_t>(1 + clamp(before) * 8 + clamp(after));
}

/// data_phase touches every element of the node's box with its privilege.
template <class Ex>
void data_phase(Ex& ex, const Node& n, int phase, std::uint64_t& acc) {
  for (std::int64_t i = n.box.lo; i < n.box.hi; ++i) {
    switch (n.priv) {
      case Priv::read: acc = mix(acc ^ ex.read(i)) + static_cast<std::uint64_t>(i); break;
      case Priv::write: ex.write(i, element_value(n.id, phase, i)); break;
      case Priv::read_write: {
        const std::uint64_t v = ex.read(i) * 3 + n.id + static_cast<std::uint64_t>(phase);
        ex.write(i, v);
        acc = mix(acc ^ v);
        break;
      }
      case Priv::sum: ex.reduce(i, element_value(n.id, phase, i)); break;
      case Priv::none: break;
    }
  }
}

/// Probe parks in its destructor, which runs during unwinding when the body throws: the uncaught
/// count before and after the park must be the fiber's own (1 while unwinding, 0 otherwise).
template <class Ex>
struct Probe {
  Ex& ex;
  const Node& n;
  Probe(Ex& e, const Node& node) : ex(e), n(node) {}
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;
  ~Probe() {
    const int before = ex.uncaught();
    ex.park(n.probe_park);
    ex.record_probe(n, before, ex.uncaught());
  }
};

template <class Ex>
std::uint64_t join(Ex& ex, bool catching, std::uint64_t acc, std::uint64_t tag) {
  if (!catching) {
    ex.wait_all(false);
    return acc;
  }
  try {
    ex.wait_all(false);
  } catch (...) {
    acc = fold(acc, tag, caught_id());
  }
  return acc;
}

template <class Ex>
std::uint64_t get_child(Ex& ex, const Node& n, std::size_t i, std::uint64_t acc) {
  if (!n.children[i].catch_get) return fold(acc, i, ex.get(i));
  try {
    return fold(acc, i, ex.get(i));
  } catch (...) {
    return fold(acc, i + kCaughtTag, caught_id());
  }
}

template <class Ex>
std::uint64_t run_children(Ex& ex, const Node& n, std::uint64_t acc) {
  const bool late_rethrow_child = n.throws == Throw::after_park && n.rethrow_park == Park::child && n.rethrow_spawn_in_catch;
  const std::size_t m = n.children.size() - (late_rethrow_child ? 1 : 0);
  if (m == 0) return acc;
  if (n.order == Order::index_launch) {
    ex.spawn_each(m);
    if (n.map_dropped) return acc;
    try {
      const std::vector<std::uint64_t> all = ex.get_map();
      for (std::size_t i = 0; i < all.size(); ++i) acc = fold(acc, i, all[i]);
    } catch (...) {
      if (!n.children[0].catch_get) throw;
      acc = fold(acc, kMapTag, caught_id());
    }
    return acc;
  }
  for (std::size_t i = 0; i < m; ++i) {
    const Node& c = n.children[i];
    if (c.join_before) acc = join(ex, c.catch_fence, acc, kFenceTag + 2 * i);
    ex.spawn(i);
    if (c.join_after) acc = join(ex, c.catch_fence, acc, kFenceTag + 2 * i + 1);
    const Use use = c.use;
    if (use == Use::drop_now) ex.drop(i);
    else if (n.order == Order::eager && use == Use::parent) acc = get_child(ex, n, i, acc);
    if (static_cast<std::int64_t>(i) == n.wait_all_after) acc = join(ex, n.catch_wait_all, acc, kWaitTag + i);
  }
  if (n.order == Order::wait_all_first) acc = join(ex, n.catch_wait_all, acc, kWaitTag + m);
  auto wanted = [&](std::size_t i) {
    const Use use = n.children[i].use;
    return use == Use::shared || (use == Use::parent && n.order != Order::eager);
  };
  switch (n.order) {
    case Order::reverse:
      for (std::size_t i = m; i-- > 0;)
        if (wanted(i)) acc = get_child(ex, n, i, acc);
      break;
    case Order::shuffled:
      for (std::uint16_t i : n.perm)
        if (i < m && wanted(i)) acc = get_child(ex, n, i, acc);
      break;
    default:
      for (std::size_t i = 0; i < m; ++i)
        if (wanted(i)) acc = get_child(ex, n, i, acc);
      break;
  }
  return acc;
}

template <class Ex>
std::uint64_t node_body(Ex& ex, const Node& n) {
  ex.check_fresh(n);
  std::uint64_t acc = mix(0x5EEDull ^ n.id);
  std::optional<Probe<Ex>> probe;
  if (n.probe) probe.emplace(ex, n);
  ex.spin(n.spin);
  for (std::size_t k = 0; k < n.inputs.size(); ++k) {
    const std::size_t j = n.inputs_reverse ? n.inputs.size() - 1 - k : k;
    const std::uint64_t tag = kInputTag + n.inputs[j].from;
    if (!ex.input_catches(j)) {
      acc = fold(acc, tag, ex.input(j));
      continue;
    }
    try {
      acc = fold(acc, tag, ex.input(j));
    } catch (...) {
      acc = fold(acc, tag + kCaughtTag, caught_id());
    }
  }
  if (n.blocking && !n.catch_blocking) acc = fold(acc, kBlockTag, ex.blocking(n));
  if (n.blocking && n.catch_blocking) {
    try {
      acc = fold(acc, kBlockTag, ex.blocking(n));
    } catch (...) {
      acc = fold(acc, kBlockTag + kCaughtTag, caught_id());
    }
  }
  if (n.gate_waiters) acc = fold(acc, kGateTag, ex.gate(n));
  ex.hold(n);
  if (n.priv != Priv::none) data_phase(ex, n, 0, acc);
  if (n.throws == Throw::at_start) throw_boom(n, 0);
  acc = run_children(ex, n, acc);
  if (n.post) {
    acc = join(ex, n.catch_post, acc, kPostTag);
    data_phase(ex, n, 1, acc);  // every child is done, even when the join threw
  }
  if (n.region > 0) acc = fold(acc, kSnapTag, ex.snapshot(n));
  if (n.throws == Throw::at_end) throw_boom(n, 1);
  if (n.throws == Throw::after_park) {
    try {
      throw_boom(n, 2);
    } catch (...) {
      // The park inside the handler: `throw;` needs this fiber's record of the caught exception,
      // whichever worker it resumed on.
      if (n.rethrow_park == Park::blocking) {
        ex.park(Park::blocking);
      } else {
        const std::size_t r = n.children.size() - 1;
        if (n.rethrow_spawn_in_catch) ex.spawn(r);
        if (!n.rethrow_swallow) {
          (void)ex.get(r);
        } else {
          try {
            (void)ex.get(r);
          } catch (...) {
            (void)caught_id();
          }
        }
      }
      throw;
    }
  }
  return acc;
}

/// run_node is a node's whole task: its body, or for a contained node its body inside a handler that
/// folds the Boom and joins the children. The second join's exception is not folded: when several
/// children failed unobserved, which one the runtime reports there is not defined.
template <class Ex>
std::uint64_t run_node(Ex& ex, const Node& n) {
  if (!n.contain) return node_body(ex, n);
  std::uint64_t acc = mix(0xC0ull ^ n.id);
  try {
    acc = fold(acc, 0, node_body(ex, n));
    ex.wait_all(false);
  } catch (...) {
    acc = fold(acc, kContainTag, caught_id());
    try {
      ex.wait_all(true);
    } catch (...) {
      (void)caught_id();
      acc = fold(acc, kContainTag + 1, 1);
    }
  }
  return acc;
}

}  // namespace stress
