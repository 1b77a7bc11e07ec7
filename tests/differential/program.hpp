#pragma once
// The differential tester's programs: a random tree of tasks over random regions, partitions,
// sub-regions and privileges, run once on the parallel runtime and once by a serial in-order reference
// interpreter; both must end with the same region contents and the same checksums.
//
// A program is a tree of Nodes. The root is the driver: it creates the regions (and so holds
// read_write on each), fills them with an init task, spawns its children, then snapshots every region.
// Every other node is a task: its requests name pieces of its parent's slots (the regions it holds), in
// order; its body touches its own slots before spawning (pre phase), makes partitions of its slots,
// spawns its children, and optionally waits for them and touches its slots again (post phase).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace diff {

using Elem = std::uint64_t;

/// Priv is a request's privilege; sum, max and user are reductions (user: OddMul below).
enum class Priv : std::uint8_t { read, write, read_write, sum, max, user };
inline constexpr int kPrivs = 6;
/// kMaxRequests is the most requests a child gets (the parallel side instantiates every combination).
inline constexpr std::size_t kMaxRequests = 3;

/// OddMul is the user-defined reduction: multiply by the odd part, identity 1. Odd numbers form a
/// group under multiplication mod 2^64, so a fold lost or applied twice changes the result.
struct OddMul {
  static Elem identity() { return 1; }
  static void fold(Elem& a, const Elem& b) { a *= (b | 1u); }
};

std::string priv_name(Priv p);
bool is_reduce(Priv p);
/// conflicts: two requests on overlapping boxes must be ordered unless both read or both reduce alike.
bool conflicts(Priv a, Priv b);
/// grants: holding `held` lets a task pass `asked` to a child (on a box it holds).
bool grants(Priv held, Priv asked);
/// fold_op applies the reduction of p to (a, b).
void fold_op(Priv p, Elem& a, Elem b);
Elem identity_of(Priv p);

/// mix is splitmix64's finaliser.
constexpr Elem mix(Elem x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// Box is a half-open box of global indices in 1 or 2 dimensions.
struct Box {
  int dims = 1;
  std::int64_t lo[2] = {0, 0};
  std::int64_t hi[2] = {0, 1};
  std::int64_t len(int d) const { return hi[d] - lo[d]; }
  std::size_t volume() const;
  bool overlaps(const Box& o) const;
  bool contains(const Box& o) const;
  bool operator==(const Box& o) const;
  std::string str() const;
};

struct RegionDecl {
  int dims = 1;
  std::int64_t extent[2] = {1, 1};
  Box box() const;
};

/// PartSpec is a partition a node makes of one of its slots before spawning its children.
struct PartSpec {
  int slot = 0;
  bool equal = true;        // partition_equal(pieces), else partition(boxes)
  std::size_t pieces = 1;   // for equal
  std::vector<Box> boxes;   // every piece's box (computed for equal, chosen for user boxes)
  bool disjoint = true;     // what Partition::disjoint() must say
};

enum class From : std::uint8_t { whole, piece, sub };

/// Request is what a parent passes to a child: a region derived from one of the parent's slots.
struct Request {
  int slot = 0;             // the parent's slot
  From from = From::whole;
  int part = 0;             // for piece: the parent's partition
  std::size_t piece = 0;
  Priv priv = Priv::read;
  Box box;                  // the resulting box (the child's slot)
  int root = 0;             // root region index
};

/// Slot is one region a node holds: its box, privilege and root region.
struct Slot {
  Box box;
  Priv priv = Priv::read_write;
  int root = 0;
};

struct Node {
  std::uint64_t id = 0;
  std::vector<Request> requests;  // empty for the root
  std::vector<Slot> slots;        // one per request (the root: one per region, read_write)
  std::vector<PartSpec> parts;
  std::vector<Node> children;
  std::uint32_t pre_mask = 0;     // slots touched before spawning (write slots always)
  std::uint32_t post_mask = 0;    // slots touched after waiting
  bool post = false;              // wait for the children, then run the post phase
  bool wait_with_get = false;     // wait by get() on each future rather than wait_all()
  bool collect = true;            // fold the children's results into the checksum (else drop the futures)
  std::uint32_t spin = 0;         // busy work before the body, to widen race windows
};

struct Program {
  std::uint64_t seed = 0;
  std::vector<RegionDecl> regions;
  Node root;
};

struct GenOptions {
  int max_tasks = 32;
  int max_depth = 5;
  int max_root_children = 6;
  int max_children = 4;
  std::int64_t max_extent_1d = 40;
  std::int64_t max_rows = 8, max_cols = 6;
  std::uint32_t max_spin = 0;
  /// self_conflicts lets one child hold overlapping boxes with conflicting privileges (read and write,
  /// read and reduce, ...; never two different reductions of one element).
  bool self_conflicts = false;
};

/// generate makes the program of `seed`: deterministic, valid (every request is covered by what the
/// parent holds with a sufficient privilege).
Program generate(std::uint64_t seed, const GenOptions& options);
/// count_nodes is the number of tasks in the tree under n, n included.
std::size_t count_nodes(const Node& n);
/// describe prints the program as an indented task tree with every request and box.
std::string describe(const Program& p);
/// count_tasks is the number of nodes, the root included.
std::size_t count_tasks(const Program& p);
/// type_index is a slot's spawn type: dims-1 times kPrivs plus the privilege.
int type_index(const Slot& s);
/// node_tag is the element value a task writes / folds, from its id, phase, slot and point.
Elem point_value(std::uint64_t id, int phase, int slot, std::int64_t i, std::int64_t j);
Elem init_value(std::uint64_t seed, int region, std::int64_t i, std::int64_t j);

/// shrink removes children, requests, partitions, regions and phases from a failing program while
/// `still_fails` keeps saying it fails; returns the smallest program found.
Program shrink(const Program& p, const std::function<bool(const Program&)>& still_fails);

}  // namespace diff
