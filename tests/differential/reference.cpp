// The serial reference: a recursive interpreter over std::vector storage that runs every child to
// completion at its spawn, in program order. A reduction folds into a private buffer that joins the
// region when the task (and so its subtree) ends, as the runtime does.
#include <stdexcept>

#include "body.hpp"
#include "harness.hpp"

namespace diff {

namespace {

struct RefState {
  const Program& program;
  std::vector<std::vector<Elem>> data;
};

class RefExec {
 public:
  RefExec(RefState& st, const Node& n) : st_(st), n_(n), buffers_(n.slots.size()) {
    for (std::size_t k = 0; k < n.slots.size(); ++k)
      if (is_reduce(n.slots[k].priv)) buffers_[k].assign(n.slots[k].box.volume(), identity_of(n.slots[k].priv));
  }

  Elem get(int k, std::int64_t i, std::int64_t j) { return st_.data[root(k)][index(k, i, j)]; }
  void set(int k, std::int64_t i, std::int64_t j, Elem v) { st_.data[root(k)][index(k, i, j)] = v; }
  void fold(int k, std::int64_t i, std::int64_t j, Elem v) {
    const Box& b = slot(k).box;
    const std::size_t off = static_cast<std::size_t>((i - b.lo[0]) * (b.dims == 2 ? b.len(1) : 1) + (b.dims == 2 ? j - b.lo[1] : 0));
    fold_op(slot(k).priv, buffers_[static_cast<std::size_t>(k)].at(off), v);
  }
  void spin(std::uint32_t) {}
  void make_parts() {}
  void spawn(const Node& c) {
    RefExec child(st_, c);
    results_.push_back(run_body(child, c));
    child.finish();
  }
  void wait(bool) {}
  Elem result(std::size_t k) { return results_.at(k); }

  /// finish folds the reduction buffers into the regions.
  void finish() {
    for (std::size_t k = 0; k < n_.slots.size(); ++k) {
      if (!is_reduce(n_.slots[k].priv)) continue;
      const Box& b = n_.slots[k].box;
      std::size_t off = 0;
      const std::int64_t jlo = b.dims == 2 ? b.lo[1] : 0, jhi = b.dims == 2 ? b.hi[1] : 1;
      for (std::int64_t i = b.lo[0]; i < b.hi[0]; ++i)
        for (std::int64_t j = jlo; j < jhi; ++j)
          fold_op(n_.slots[k].priv, st_.data[root(static_cast<int>(k))][index(static_cast<int>(k), i, j)], buffers_[k][off++]);
    }
  }

 private:
  const Slot& slot(int k) const { return n_.slots.at(static_cast<std::size_t>(k)); }
  std::size_t root(int k) const { return static_cast<std::size_t>(slot(k).root); }
  std::size_t index(int k, std::int64_t i, std::int64_t j) const {
    const Slot& s = slot(k);
    const RegionDecl& r = st_.program.regions.at(static_cast<std::size_t>(s.root));
    if (i < s.box.lo[0] || i >= s.box.hi[0] || (s.box.dims == 2 && (j < s.box.lo[1] || j >= s.box.hi[1])))
      throw std::logic_error("reference: access outside the slot's box");
    return static_cast<std::size_t>(r.dims == 2 ? i * r.extent[1] + j : i);
  }

  RefState& st_;
  const Node& n_;
  std::vector<std::vector<Elem>> buffers_;
  std::vector<Elem> results_;
};

}  // namespace

std::vector<Elem> run_reference(const Program& p) {
  RefState st{p, {}};
  for (std::size_t r = 0; r < p.regions.size(); ++r) {
    const RegionDecl& d = p.regions[r];
    std::vector<Elem> v;
    for (std::int64_t i = 0; i < d.extent[0]; ++i)
      for (std::int64_t j = 0; j < (d.dims == 2 ? d.extent[1] : 1); ++j) v.push_back(init_value(p.seed, static_cast<int>(r), i, j));
    st.data.push_back(std::move(v));
  }
  RefExec root(st, p.root);
  const Elem sum = run_body(root, p.root);
  std::vector<Elem> out;
  for (const auto& v : st.data) out.insert(out.end(), v.begin(), v.end());
  out.push_back(sum);
  return out;
}

}  // namespace diff
