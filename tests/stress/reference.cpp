// The serial reference: every child runs to completion where it is spawned, so conflicting region
// ops happen in spawn order, as the runtime must make them appear. The joins follow the runtime's
// documented rules: get rethrows a child's exception and marks it observed; wait_all and the implicit
// join at task exit report an exception that nobody observed; a task's own exception wins over its
// children's (they are nested in it).
//
// It also checks that cancellation cannot change the outcome: a task whose exception escapes makes the
// runtime cancel its siblings that have not started (until its parent observes it). The reference
// reports a failing child as Cancellable when an earlier sibling may still be unstarted when it fails
// (the parent has not got it, joined it, or got a sibling that got it), or when its parent spawns any
// task (a child, or the parallel run's own: a probe's park, a snapshot, a gate) between spawning it
// and the parent's next wait_all or implicit join. A get does not count as that join: it lifts the
// cancellation only when it finds every child finished, which the failed child may not yet count as.
#include <exception>

#include "body.hpp"

namespace stress {

namespace {

/// Child is one spawned child as its futures see it.
struct Child {
  bool spawned = false;
  bool joined = false;    // a join (wait_all or the implicit one) already covered it
  bool observed = false;  // a get, or a join's report, saw its exception
  bool known = false;     // the parent knows it finished (so it started): see RefExec::know
  std::vector<std::uint16_t> taken;  // the siblings whose futures it got as inputs
  std::uint64_t value = 0;
  std::exception_ptr error;
};

constexpr std::uint32_t kNoHazard = ~std::uint32_t{0};

Outcome outcome_of(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (...) {
    return Outcome{Outcome::boom, caught_id()};
  }
}

class RefExec {
 public:
  RefExec(Result& out, Cancellable& hazard, const Node& n, std::vector<Child*> inputs, std::vector<std::uint64_t>* data)
      : out_(out), hazard_(hazard), n_(n), inputs_(std::move(inputs)), data_(data), kids_(n.children.size()),
        base_(std::uncaught_exceptions()) {}

  /// execute runs the node as a task: its body, then the implicit join. The body's outcome is
  /// recorded; the task's (which a get sees) is returned through `child`.
  void execute(Child& child) {
    self_ = &child;
    try {
      child.value = run_node(*this, n_);
      out_.nodes[n_.id] = Outcome{Outcome::value, child.value};
    } catch (const Ambiguous&) {
      throw;
    } catch (...) {
      child.error = std::current_exception();
      out_.nodes[n_.id] = outcome_of(child.error);
    }
    if (child.error) {
      for (Child& k : kids_) k.joined = true;  // the task's own exception wins
      pending_.clear();  // a reducer that failed folds nothing
      return;
    }
    try {
      wait_all(false);
    } catch (const Ambiguous&) {
      throw;
    } catch (...) {
      child.error = std::current_exception();
    }
    fold_pending(child);
  }

  // ---- the executor interface of body.hpp
  void check_fresh(const Node&) {}
  void spin(std::uint32_t) {}
  bool input_catches(std::size_t j) const { return n_.inputs[j].catches; }
  std::uint64_t input(std::size_t j) {
    self_->taken.push_back(n_.inputs[j].from);
    return take(*inputs_[j]);
  }
  std::uint64_t blocking(const Node& n) { return blocking_result(n); }
  std::uint64_t gate(const Node& n) {
    extra_spawn();  // the gate and its waiters, joined before it returns (all have started when one fails)
    std::uint64_t acc = mix(n.id);
    const std::uint64_t g = gate_value(n.id);
    for (std::uint32_t i = 0; i < n.gate_waiters; ++i) {
      try {
        acc = stress::fold(acc, i, waiter_result(n.id, i, g));
      } catch (...) {
        acc = stress::fold(acc, i + kCaughtTag, caught_id());
      }
    }
    return stress::fold(acc, kGateTag, g);
  }
  void hold(const Node& n) {
    if (n.region <= 0) return;
    own_.assign(static_cast<std::size_t>(n.region), 0);
    data_ = &own_;
  }
  std::uint64_t read(std::int64_t i) { return (*data_)[static_cast<std::size_t>(i)]; }
  void write(std::int64_t i, std::uint64_t v) { (*data_)[static_cast<std::size_t>(i)] = v; }
  // A reducer folds into its own buffer, added to the region when it ends without an error.
  void reduce(std::int64_t i, std::uint64_t v) {
    if (pending_.empty()) pending_.assign(data_->size(), 0);
    pending_[static_cast<std::size_t>(i)] += v;
  }

  void spawn(std::size_t i) {
    extra_spawn();
    const Node& c = n_.children[i];
    std::vector<std::uint16_t> unknown;  // earlier siblings that may not have started yet
    for (std::size_t k = 0; k < kids_.size(); ++k)
      if (kids_[k].spawned && !kids_[k].known) unknown.push_back(static_cast<std::uint16_t>(k));
    std::vector<Child*> in;
    for (const Input& x : c.inputs) in.push_back(&kids_[x.from]);
    kids_[i].spawned = true;
    RefExec child(out_, hazard_, c, std::move(in), c.priv != Priv::none ? data_ : nullptr);
    child.execute(kids_[i]);
    if (!kids_[i].error) return;
    // It failed: by then it has got its inputs (and so they, and theirs, have finished), nothing more.
    std::vector<bool> done(kids_.size());
    mark(i, done);
    for (std::uint16_t k : unknown)
      if (!done[k]) flag(c.id, true);
    failed_ = static_cast<std::int32_t>(i);
  }
  void drop(std::size_t) {}
  std::uint64_t get(std::size_t i) {
    know(i);
    return take(kids_[i]);
  }
  void wait_all(bool anonymous) {
    for (Child& k : kids_) k.known = k.known || k.spawned;
    failed_ = -1;  // the join lifts the cancellation its children's failure caused
    std::vector<std::uint16_t> failed;
    for (std::size_t i = 0; i < kids_.size(); ++i) {
      Child& k = kids_[i];
      if (!k.spawned || k.joined) continue;
      k.joined = true;
      if (k.error && !k.observed) failed.push_back(static_cast<std::uint16_t>(i));
    }
    if (failed.empty()) return;
    if (failed.size() > 1 && !anonymous) throw Ambiguous{n_.id, failed};
    for (std::uint16_t i : failed) kids_[i].observed = true;
    std::rethrow_exception(kids_[failed[0]].error);
  }
  void spawn_each(std::size_t m) {
    for (std::size_t i = 0; i < m; ++i) spawn(i);
    mapped_ = m;
  }
  std::vector<std::uint64_t> get_map() {
    std::vector<std::uint64_t> all;
    for (std::size_t i = 0; i < mapped_; ++i) all.push_back(get(i));
    return all;
  }
  std::uint64_t snapshot(const Node& n) {
    extra_spawn();  // the parallel run reads the region in a child task
    out_.regions[n.id] = *data_;
    return region_hash(*data_);
  }
  void park(Park kind) {
    if (kind == Park::child) extra_spawn();  // the parallel run's probe waits on a child it spawns
  }
  // Relative: here every child runs nested in its parent's frame, on one thread.
  int uncaught() const { return std::uncaught_exceptions() - base_; }
  void record_probe(const Node& n, int before, int after) { out_.probes[n.id] = probe_code(before, after); }

 private:
  /// fold_pending adds the reducer's buffer to the region, unless the task failed (then it is dropped).
  void fold_pending(const Child& child) {
    if (!child.error)
      for (std::size_t i = 0; i < pending_.size(); ++i) (*data_)[i] += pending_[i];
    pending_.clear();
  }
  /// flag records the first Cancellable task; the run goes on (a probe's destructor must not throw).
  void flag(std::uint32_t id, bool unstarted) {
    if (hazard_.node == kNoHazard) hazard_ = Cancellable{id, unstarted};
  }
  /// extra_spawn is any spawn: a child that failed since the last join would cancel it.
  void extra_spawn() {
    if (failed_ >= 0) flag(n_.children[static_cast<std::size_t>(failed_)].id, false);
  }
  /// know marks child i as finished in our eyes, and with it the futures it got.
  void know(std::size_t i) {
    if (kids_[i].known) return;
    kids_[i].known = true;
    for (std::uint16_t j : kids_[i].taken) know(j);
  }
  void mark(std::size_t i, std::vector<bool>& done) const {
    if (done[i]) return;
    done[i] = true;
    for (std::uint16_t j : kids_[i].taken) mark(j, done);
  }

  std::uint64_t take(Child& k) {
    k.observed = true;
    if (k.error) std::rethrow_exception(k.error);
    return k.value;
  }

  Result& out_;
  Cancellable& hazard_;  // the first Cancellable task of the run, or node kNoHazard
  const Node& n_;
  std::vector<Child*> inputs_;
  std::vector<std::uint64_t>* data_;
  std::vector<std::uint64_t> own_;
  std::vector<std::uint64_t> pending_;  // a reducer's folds until it ends
  std::vector<Child> kids_;
  std::size_t mapped_ = 0;
  Child* self_ = nullptr;
  std::int32_t failed_ = -1;  // a child that failed since our last join, or -1
  int base_;
};

}  // namespace

Result run_reference(const Program& p) {
  Result r(p.nodes);
  Child root;
  Cancellable hazard{kNoHazard, false};
  RefExec(r, hazard, p.root, {}, nullptr).execute(root);
  if (hazard.node != kNoHazard) throw hazard;
  r.root = root.error ? outcome_of(root.error) : Outcome{Outcome::value, root.value};
  return r;
}

}  // namespace stress
