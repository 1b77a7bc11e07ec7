// The serial reference: every child runs to completion where it is spawned, so conflicting region
// ops happen in spawn order, as the runtime must make them appear. The joins follow the runtime's
// documented rules: get rethrows a child's exception and marks it observed; wait_all and the implicit
// join at task exit report an exception that nobody observed; a task's own exception wins over its
// children's.
#include <exception>

#include "body.hpp"

namespace stress {

namespace {

/// Child is one spawned child as its futures see it.
struct Child {
  bool spawned = false;
  bool joined = false;    // a join (wait_all or the implicit one) already covered it
  bool observed = false;  // a get, or a join's report, saw its exception
  std::uint64_t value = 0;
  std::exception_ptr error;
};

Outcome outcome_of(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (...) {
    return Outcome{Outcome::boom, caught_id()};
  }
}

class RefExec {
 public:
  RefExec(Result& out, const Node& n, std::vector<Child*> inputs, std::vector<std::uint64_t>* data)
      : out_(out), n_(n), inputs_(std::move(inputs)), data_(data), kids_(n.children.size()),
        base_(std::uncaught_exceptions()) {}

  /// execute runs the node as a task: its body, then the implicit join. The body's outcome is
  /// recorded; the task's (which a get sees) is returned through `child`.
  void execute(Child& child) {
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
      return;
    }
    try {
      wait_all(false);
    } catch (const Ambiguous&) {
      throw;
    } catch (...) {
      child.error = std::current_exception();
    }
  }

  // ---- the executor interface of body.hpp
  void check_fresh(const Node&) {}
  void spin(std::uint32_t) {}
  bool input_catches(std::size_t j) const { return n_.inputs[j].catches; }
  std::uint64_t input(std::size_t j) { return take(*inputs_[j]); }
  std::uint64_t blocking(const Node& n) { return blocking_result(n); }
  std::uint64_t gate(const Node& n) {
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
  void reduce(std::int64_t i, std::uint64_t v) { (*data_)[static_cast<std::size_t>(i)] += v; }

  void spawn(std::size_t i) {
    const Node& c = n_.children[i];
    std::vector<Child*> in;
    for (const Input& x : c.inputs) in.push_back(&kids_[x.from]);
    kids_[i].spawned = true;
    RefExec child(out_, c, std::move(in), c.priv != Priv::none ? data_ : nullptr);
    child.execute(kids_[i]);
  }
  void drop(std::size_t) {}
  std::uint64_t get(std::size_t i) { return take(kids_[i]); }
  void wait_all(bool anonymous) {
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
    out_.regions[n.id] = *data_;
    return region_hash(*data_);
  }
  void park(Park) {}
  // Relative: here every child runs nested in its parent's frame, on one thread.
  int uncaught() const { return std::uncaught_exceptions() - base_; }
  void record_probe(const Node& n, int before, int after) { out_.probes[n.id] = probe_code(before, after); }

 private:
  std::uint64_t take(Child& k) {
    k.observed = true;
    if (k.error) std::rethrow_exception(k.error);
    return k.value;
  }

  Result& out_;
  const Node& n_;
  std::vector<Child*> inputs_;
  std::vector<std::uint64_t>* data_;
  std::vector<std::uint64_t> own_;
  std::vector<Child> kids_;
  std::size_t mapped_ = 0;
  int base_;
};

}  // namespace

Result run_reference(const Program& p) {
  Result r(p.nodes);
  Child root;
  RefExec(r, p.root, {}, nullptr).execute(root);
  r.root = root.error ? outcome_of(root.error) : Outcome{Outcome::value, root.value};
  return r;
}

}  // namespace stress
