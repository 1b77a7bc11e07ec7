#pragma once
// Analyzer: one parent's dependence analysis over its own children (Legion's per-parent scope).
// Each root region the children touch keeps its users grouped: one list per piece of each disjoint
// partition (a request on a piece looks only at that piece: O(1) in the number of siblings), and one
// list for everything else (roots, sub-regions, aliased partitions), which is checked by overlap.
#include <memory>
#include <unordered_map>
#include <vector>

#include "canopy/detail/frame.hpp"
#include "canopy/privilege.hpp"
#include "regions.hpp"

namespace canopy::rt {

/// Use is one earlier child's request: the child (a reference is held), its box and privilege.
struct Use {
  detail::Frame* task;
  Box box;
  Privilege privilege;
  const char* op;
};

/// UseList is the users of one piece (or of everything else in a root), split by privilege so that
/// a reader never walks the other readers and a reducer never walks reducers of its own operator:
/// many siblings reading (or summing into) one region cost O(1) each, not O(siblings).
struct UseList {
  std::vector<Use> readers;
  std::vector<Use> reducers;
  std::vector<Use> writers;            // write and read_write
  const char* reducer_op = nullptr;    // the operator of every entry of `reducers`, when they share one
  bool mixed_reducers = false;
  std::size_t compact_readers_at = 16;  // readers are pruned of finished ones when they reach this
  std::size_t compact_reducers_at = 16;
};

class Analyzer {
 public:
  Analyzer() = default;
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  /// add records `child`'s request and appends to `preds` the unfinished earlier children it conflicts
  /// with, each holding a reference (kHandleRef) that the caller drops once it has linked to it.
  void add(detail::Frame* child, const detail::RequestInfo& request, std::vector<detail::Frame*>& preds);

 private:
  struct PartitionUsers {
    std::shared_ptr<const detail::PartitionShape> shape;  // not the partition: that would keep its data
    Box bounds;                                            // the partitioned region's box
    std::vector<UseList> pieces;
  };
  struct RootUsers {
    UseList others;
    std::vector<std::unique_ptr<PartitionUsers>> partitions;
    std::unordered_map<std::uint64_t, PartitionUsers*> by_partition;  // by partition id
  };

  /// scan appends conflicting unfinished uses of `list` to preds, drops finished ones, and (when the
  /// new use writes all of an old one's box) drops the old one too: later users meet it through us.
  static void scan(std::vector<Use>& list, const Use& incoming, std::vector<detail::Frame*>& preds, bool may_prune);
  /// visit scans the parts of `list` that can conflict with `incoming`.
  static void visit(UseList& list, const Use& incoming, std::vector<detail::Frame*>& preds);
  /// append records `incoming` in `list`.
  static void append(UseList& list, const Use& incoming);
  PartitionUsers& users_of(RootUsers& root, const detail::PartitionNode* p);

  std::unordered_map<std::uint64_t, RootUsers> roots_;  // by root region id
  std::vector<std::size_t> scratch_;
};

/// conflicts says whether two requests must be ordered: unless both read, or both reduce with one operator.
bool conflicts(Privilege a, const char* op_a, Privilege b, const char* op_b);

}  // namespace canopy::rt
