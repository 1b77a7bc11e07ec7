#pragma once
// The random stress programs: a tree of tasks generated from one seed. Every node is a task; what it
// does (which futures it gets, in which order, which it drops or hands to a sibling, what it throws and
// where, which region it touches with which privilege, whether it blocks or parks a crowd of waiters)
// is data here, and body.hpp turns that data into the same code for the serial reference and for the
// parallel runtime, so that the two can only differ where the runtime does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../test_support.hpp"

namespace stress {

using canopy_test::mix;  // splitmix64's finaliser: seeds, salts and checksums

/// Rng is splitmix64: one seed fixes every choice the generator makes.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() { return mix(s_++ * 0x2545F4914F6CDD1Dull); }
  /// below(n) is uniform in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  /// range(lo, hi) is uniform in [lo, hi].
  std::int64_t range(std::int64_t lo, std::int64_t hi) { return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1))); }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  /// log_range is log-uniform in [lo, hi]: small sizes as often as large ones.
  std::int64_t log_range(std::int64_t lo, std::int64_t hi);

 private:
  std::uint64_t s_;
};

/// Priv is a region-op node's request on what its parent holds (none: the node touches no region).
enum class Priv : std::uint8_t { none, read, write, read_write, sum };
/// Order is how a node waits for its children.
enum class Order : std::uint8_t {
  forward,         // spawn all, get in spawn order
  reverse,         // spawn all, get last first (the deque's bottom: the inline path)
  shuffled,        // spawn all, get in a seeded permutation
  eager,           // get each right after spawning it
  wait_all_first,  // spawn all, wait_all, then get
  index_launch,    // spawn_each, then FutureMap::get (children are plain)
};
/// Use is who consumes a child's future.
enum class Use : std::uint8_t {
  parent,      // the parent gets it
  drop_now,    // the future is discarded at once: only the implicit join sees the child
  drop_later,  // kept in the parent's vector, never got
  sibling,     // moved into a later sibling, which gets it
  shared,      // a copy goes to a later sibling; both get it
  rethrow,     // the child the parent gets inside its catch block (Throw::after_park)
};
/// Throw is where a node throws its own exception.
enum class Throw : std::uint8_t { none, at_start, at_end, after_park };
/// Park is how a node waits where the test wants a park: on a child placed on socket 0, or in blocking().
enum class Park : std::uint8_t { child, blocking };
/// Place is a spawn's placement: the fast path, on_socket(0), on_socket(1) (socket 0 when the runtime
/// has one socket), or canopy::here.
enum class Place : std::uint8_t { anywhere, socket0, socket1, here };

/// Box is a half-open range of a 1-D region's global indices.
struct Box {
  std::int64_t lo = 0, hi = 0;
  std::int64_t size() const { return hi - lo; }
  bool operator==(const Box&) const = default;
};

/// Input is a future a node receives from its parent: the child `from` of the same parent.
struct Input {
  std::uint16_t from = 0;
  bool shared = false;   // a copy: the parent gets it too
  bool catches = true;   // the receiving node catches a Boom from its get
};

struct Node {
  std::uint32_t id = 0;  // preorder number; the root is 0
  // ---- how the parent spawns it
  Place place = Place::anywhere;
  Priv priv = Priv::none;
  Box box;                   // the region-op's box, inside what the parent holds
  std::int16_t piece = -1;   // >= 0: taken as piece `piece` of the parent's partition, else sub(box)
  Use use = Use::parent;
  bool catch_get = true;     // the parent's get (or the sibling's, for an input) catches a Boom
  bool join_before = false;  // the parent calls wait_all right before spawning it (see generator.cpp)
  bool join_after = false;   // ... and right after
  bool catch_fence = true;   // those wait_alls catch a Boom
  std::vector<Input> inputs;  // futures of earlier siblings, got at the start of the body
  bool inputs_reverse = false;
  // ---- the body
  std::uint32_t spin = 0;
  bool blocking = false;
  std::uint16_t blocking_us = 0;
  bool blocking_throws = false;
  bool catch_blocking = true;
  bool probe = false;  // an object whose destructor parks and checks std::uncaught_exceptions()
  Park probe_park = Park::child;
  std::uint32_t gate_waiters = 0;  // > 0: parks this many tasks at once on one gate future
  std::int32_t region = 0;         // > 0: creates a region of this many elements (an owner)
  std::vector<Box> parts;          // the partition it makes of what it holds (owner or op), or none
  bool parts_equal = false;        // partition_equal(parts.size()) rather than user boxes
  bool post = false;               // region op: wait_all, then touch its box again
  bool catch_post = true;
  Order order = Order::forward;
  std::int32_t wait_all_after = -1;  // wait_all right after spawning this child
  bool catch_wait_all = true;
  bool map_dropped = false;          // index launch: the FutureMap is never got
  std::vector<std::uint16_t> perm;   // Order::shuffled
  Throw throws = Throw::none;
  bool std_exception = false;        // a Boom derived from std::runtime_error, or a plain struct
  Park rethrow_park = Park::child;
  bool rethrow_spawn_in_catch = false;  // the rethrow child is spawned inside the catch block
  bool rethrow_swallow = false;         // its exception is caught inside the catch block
  bool contain = false;  // catches every Boom of its body and joins: it never fails (see generator)
  std::vector<Node> children;
};

struct Program {
  std::uint64_t seed = 0;
  std::uint32_t nodes = 0;
  std::uint32_t gates = 0;  // waiters parked at the gate, 0 without one
  Node root;
};

/// Options bound what a generated program may contain.
struct Options {
  std::uint32_t max_parked = 20000;  // waiters at the gate (CANOPY_STRESS_MAX_PARKED)
};

/// generate makes the program of `seed`. Deterministic; every program it returns has one expected
/// outcome (see the ambiguity fix-up in generator.cpp).
Program generate(std::uint64_t seed, const Options& options);
/// describe prints the program as an indented task tree.
std::string describe(const Program& p);

/// Boom is what the program's tasks throw; BoomStd the same as a std::exception.
struct Boom {
  std::uint64_t id;
};
struct BoomStd : std::exception {
  std::uint64_t id;
  explicit BoomStd(std::uint64_t i) : id(i) {}
  const char* what() const noexcept override { return "stress::BoomStd"; }
};
/// boom_id names a throw site: node, site (0 at_start, 1 at_end, 2 after_park, 3 blocking, 4 waiter).
constexpr std::uint64_t boom_id(std::uint32_t node, unsigned site, std::uint64_t extra = 0) {
  return (extra << 32) | (std::uint64_t{node} << 3) | site;
}
/// kStdBit marks an id caught as BoomStd.
inline constexpr std::uint64_t kStdBit = 1ull << 63;
std::string boom_name(std::uint64_t id);

/// Outcome is what one node's body did (or what a future delivered): not run, a value, or a Boom id.
struct Outcome {
  enum Kind : std::uint8_t { not_run, value, boom } kind = not_run;
  std::uint64_t v = 0;
  bool operator==(const Outcome&) const = default;
};
std::string outcome_str(const Outcome& o);

/// Result is everything a run of a program is compared on.
struct Result {
  Outcome root;                                  // what rt.run returned or threw
  std::vector<Outcome> nodes;                    // per node id: its body's outcome
  std::vector<std::vector<std::uint64_t>> regions;  // per owner node id: the region at its end
  std::vector<std::uint8_t> probes;              // per node id: probe_code(before, after), 0 if none ran
  std::string violations;                        // checks only the parallel run can make
  explicit Result(std::uint32_t n = 0) : nodes(n), regions(n), probes(n) {}
};

/// run_reference evaluates p serially. Throws Ambiguous where the runtime may pick either of two
/// child exceptions at one join, and Cancellable where a failing task's siblings might be cancelled
/// (only the generator sees either: it removes them).
Result run_reference(const Program& p);
struct Ambiguous {
  std::uint32_t node;
  std::vector<std::uint16_t> children;  // the failing, unobserved children at that join
};
/// Cancellable names a task that fails while a sibling of it may not have started yet (`unstarted`),
/// or whose parent spawns another task before its next join: the runtime would cancel that sibling
/// (or not: it depends on timing).
struct Cancellable {
  std::uint32_t node;
  bool unstarted;
};

}  // namespace stress
