// The parallel side of the differential tester: a generated program runs as real canopy tasks. Each
// node is a task whose parameters are the accessors of its requests, in order; since request types are
// known only at run time, spawn_node picks the instantiation of node_task for the request types of a
// child (1 to kMaxRequests requests, each one of 12 types: 1-D or 2-D times six privileges; requests are
// sorted by type, so one instantiation serves every order).
#include <memory>
#include <stdexcept>
#include <utility>

#include "body.hpp"
#include "harness.hpp"

namespace diff {

namespace {

using canopy::Context;
template <int N>
using Reg = canopy::Region<Elem, N>;

template <int N>
canopy::Rect<N> rect_of(const Box& b) {
  canopy::Rect<N> r;
  for (int d = 0; d < N; ++d) {
    r.lo[static_cast<std::size_t>(d)] = b.lo[d];
    r.hi[static_cast<std::size_t>(d)] = b.hi[d];
  }
  return r;
}

template <int N>
Box box_of(const canopy::Rect<N>& r) {
  Box b;
  b.dims = N;
  for (int d = 0; d < N; ++d) {
    b.lo[d] = r.lo[static_cast<std::size_t>(d)];
    b.hi[d] = r.hi[static_cast<std::size_t>(d)];
  }
  return b;
}

[[noreturn]] void mismatch(const Node& n, const std::string& what) {
  throw std::logic_error("differential check in t" + std::to_string(n.id) + ": " + what);
}

/// SlotRegion is a region handle of either dimension.
struct SlotRegion {
  int dims = 1;
  Reg<1> r1;
  Reg<2> r2;
  template <int N>
  const Reg<N>& get() const {
    if constexpr (N == 1) return r1;
    else return r2;
  }
  Box bounds() const { return dims == 1 ? box_of<1>(r1.bounds()) : box_of<2>(r2.bounds()); }
  SlotRegion sub(const Box& b) const {
    SlotRegion s;
    s.dims = dims;
    if (dims == 1) s.r1 = r1.sub(rect_of<1>(b));
    else s.r2 = r2.sub(rect_of<2>(b));
    return s;
  }
};

template <int N>
SlotRegion slot_of(Reg<N> r) {
  SlotRegion s;
  s.dims = N;
  if constexpr (N == 1) s.r1 = std::move(r);
  else s.r2 = std::move(r);
  return s;
}

struct PartRegion {
  int dims = 1;
  canopy::Partition<Elem, 1> p1;
  canopy::Partition<Elem, 2> p2;
  std::size_t size() const { return dims == 1 ? p1.size() : p2.size(); }
  bool disjoint() const { return dims == 1 ? p1.disjoint() : p2.disjoint(); }
  SlotRegion piece(std::size_t i) const { return dims == 1 ? slot_of<1>(p1[i]) : slot_of<2>(p2[i]); }
};

// ---- accessors, erased --------------------------------------------------------------------------------

struct AccBase {
  virtual ~AccBase() = default;
  virtual Elem get(std::int64_t, std::int64_t) const { throw std::logic_error("get through an accessor without read"); }
  virtual void set(std::int64_t, std::int64_t, Elem) const { throw std::logic_error("set through an accessor without write"); }
  virtual void fold(std::int64_t, std::int64_t, Elem) const { throw std::logic_error("fold through a non-reduce accessor"); }
  virtual Box bounds() const = 0;
  virtual SlotRegion region() const = 0;
};

template <class A>
struct Traits;
template <int N>
struct Traits<canopy::Read<Elem, N>> {
  static constexpr int dims = N;
  static constexpr bool reads = true, writes = false, folds = false;
};
template <int N>
struct Traits<canopy::Write<Elem, N>> {
  static constexpr int dims = N;
  static constexpr bool reads = false, writes = true, folds = false;
};
template <int N>
struct Traits<canopy::ReadWrite<Elem, N>> {
  static constexpr int dims = N;
  static constexpr bool reads = true, writes = true, folds = false;
};
template <class Op, int N>
struct Traits<canopy::Reduce<Elem, Op, N>> {
  static constexpr int dims = N;
  static constexpr bool reads = false, writes = false, folds = true;
};

template <class A>
struct AccView final : AccBase {
  using T = Traits<A>;
  A a;
  explicit AccView(A acc) : a(std::move(acc)) {}
  Elem get(std::int64_t i, std::int64_t j) const override {
    if constexpr (!T::reads) return AccBase::get(i, j);
    else if constexpr (T::dims == 1) return a[i];
    else return a(i, j);
  }
  void set(std::int64_t i, std::int64_t j, Elem v) const override {
    if constexpr (!T::writes) AccBase::set(i, j, v);
    else if constexpr (T::dims == 1) a[i] = v;
    else a(i, j) = v;
  }
  void fold(std::int64_t i, std::int64_t j, Elem v) const override {
    if constexpr (!T::folds) AccBase::fold(i, j, v);
    else if constexpr (T::dims == 1) a.fold(i, v);
    else a.fold(i, j, v);
  }
  Box bounds() const override { return box_of<T::dims>(a.bounds()); }
  SlotRegion region() const override { return slot_of<T::dims>(a.region()); }
};

// ---- request types ------------------------------------------------------------------------------------

template <int TI>
struct TypeOf {
  static constexpr int N = TI / kPrivs + 1;
  static constexpr Priv P = static_cast<Priv>(TI % kPrivs);
  static auto request(const Reg<N>& r) {
    if constexpr (P == Priv::read) return canopy::read(r);
    else if constexpr (P == Priv::write) return canopy::write(r);
    else if constexpr (P == Priv::read_write) return canopy::read_write(r);
    else if constexpr (P == Priv::sum) return canopy::reduce<canopy::Sum>(r);
    else if constexpr (P == Priv::max) return canopy::reduce<canopy::Max>(r);
    else return canopy::reduce<OddMul>(r);
  }
};

template <class R>
struct AccessorOf;
template <int N>
struct AccessorOf<canopy::Request<Elem, N, canopy::Privilege::read>> {
  using type = canopy::Read<Elem, N>;
};
template <int N>
struct AccessorOf<canopy::Request<Elem, N, canopy::Privilege::write>> {
  using type = canopy::Write<Elem, N>;
};
template <int N>
struct AccessorOf<canopy::Request<Elem, N, canopy::Privilege::read_write>> {
  using type = canopy::ReadWrite<Elem, N>;
};
template <int N, class Op>
struct AccessorOf<canopy::Request<Elem, N, canopy::Privilege::reduce, Op>> {
  using type = canopy::Reduce<Elem, Op, N>;
};
template <class R>
using accessor_t = typename AccessorOf<std::decay_t<R>>::type;

template <class... Acc>
Elem node_task(Context& ctx, const Node* n, Acc... acc);

template <int Min, class... Reqs>
canopy::Future<Elem> spawn_node(Context& ctx, const Node* c, const std::vector<SlotRegion>& regs, Reqs&&... reqs);

/// pick_at adds the next request, of run-time type `ti`, to the compile-time list (types >= Min only).
template <int Min, int T, class... Reqs>
canopy::Future<Elem> pick_at(int ti, Context& ctx, const Node* c, const std::vector<SlotRegion>& regs, Reqs&&... reqs) {
  if constexpr (T >= 2 * kPrivs) {
    throw std::logic_error("request types of t" + std::to_string(c->id) + " are not in canonical order");
  } else {
    if (ti == T) {
      const SlotRegion& s = regs[sizeof...(Reqs)];
      return spawn_node<T>(ctx, c, regs, std::forward<Reqs>(reqs)..., TypeOf<T>::request(s.template get<TypeOf<T>::N>()));
    }
    return pick_at<Min, T + 1>(ti, ctx, c, regs, std::forward<Reqs>(reqs)...);
  }
}

template <int Min, class... Reqs>
canopy::Future<Elem> spawn_node(Context& ctx, const Node* c, const std::vector<SlotRegion>& regs, Reqs&&... reqs) {
  constexpr std::size_t k = sizeof...(Reqs);
  if constexpr (k < kMaxRequests) {
    if (k < regs.size()) return pick_at<Min, Min>(type_index(c->slots[k]), ctx, c, regs, std::forward<Reqs>(reqs)...);
  }
  if (k != regs.size()) throw std::logic_error("t" + std::to_string(c->id) + " has too many requests");
  return ctx.spawn(&node_task<accessor_t<Reqs>...>, c, std::forward<Reqs>(reqs)...);
}

// ---- the executor -------------------------------------------------------------------------------------

class ParExec {
 public:
  ParExec(Context& ctx, const Node& n, std::vector<std::unique_ptr<AccBase>> acc) : ctx_(ctx), n_(n), acc_(std::move(acc)) {
    if (acc_.size() != n.slots.size()) mismatch(n, "received " + std::to_string(acc_.size()) + " accessors");
    for (std::size_t k = 0; k < acc_.size(); ++k) {
      const Box got = acc_[k]->bounds();
      if (!(got == n.slots[k].box))
        mismatch(n, "accessor s" + std::to_string(k) + " covers " + got.str() + ", expected " + n.slots[k].box.str());
      slots_.push_back(acc_[k]->region());
      if (!(slots_.back().bounds() == got)) mismatch(n, "accessor s" + std::to_string(k) + ".region() differs from its bounds");
    }
  }
  ParExec(Context& ctx, const Node& n, std::vector<SlotRegion> slots) : ctx_(ctx), n_(n), slots_(std::move(slots)) {}

  Elem get(int k, std::int64_t i, std::int64_t j) { return acc_[static_cast<std::size_t>(k)]->get(i, j); }
  void set(int k, std::int64_t i, std::int64_t j, Elem v) { acc_[static_cast<std::size_t>(k)]->set(i, j, v); }
  void fold(int k, std::int64_t i, std::int64_t j, Elem v) { acc_[static_cast<std::size_t>(k)]->fold(i, j, v); }
  void spin(std::uint32_t n) {
    volatile Elem x = n;
    for (std::uint32_t i = 0; i < n; ++i) x = x * 6364136223846793005ull + 1;
  }

  void make_parts() {
    for (std::size_t k = 0; k < n_.parts.size(); ++k) {
      const PartSpec& ps = n_.parts[k];
      const SlotRegion& s = slots_.at(static_cast<std::size_t>(ps.slot));
      PartRegion p;
      p.dims = s.dims;
      if (ps.equal) {
        if (s.dims == 1) p.p1 = s.r1.partition_equal(ps.pieces);
        else p.p2 = s.r2.partition_equal(ps.pieces);
      } else if (s.dims == 1) {
        std::vector<canopy::Rect<1>> boxes;
        for (const Box& b : ps.boxes) boxes.push_back(rect_of<1>(b));
        p.p1 = s.r1.partition(boxes);
      } else {
        std::vector<canopy::Rect<2>> boxes;
        for (const Box& b : ps.boxes) boxes.push_back(rect_of<2>(b));
        p.p2 = s.r2.partition(boxes);
      }
      const std::string name = "partition P" + std::to_string(k);
      if (p.size() != ps.boxes.size()) mismatch(n_, name + " has " + std::to_string(p.size()) + " pieces");
      if (p.disjoint() != ps.disjoint) mismatch(n_, name + " says disjoint() = " + (p.disjoint() ? "true" : "false"));
      for (std::size_t i = 0; i < ps.boxes.size(); ++i)
        if (!(p.piece(i).bounds() == ps.boxes[i]))
          mismatch(n_, name + " piece " + std::to_string(i) + " is " + p.piece(i).bounds().str() + ", expected " + ps.boxes[i].str());
      parts_.push_back(std::move(p));
    }
  }

  void spawn(const Node& c) {
    std::vector<SlotRegion> regs;
    for (const Request& q : c.requests) {
      const SlotRegion& s = slots_.at(static_cast<std::size_t>(q.slot));
      if (q.from == From::whole) regs.push_back(s);
      else if (q.from == From::piece) regs.push_back(parts_.at(static_cast<std::size_t>(q.part)).piece(q.piece));
      else regs.push_back(s.sub(q.box));
    }
    futures_.push_back(spawn_node<0>(ctx_, &c, regs));
  }

  void wait(bool with_get) {
    if (with_get) {
      for (auto& f : futures_) results_.push_back(f.get());
    } else {
      ctx_.wait_all();
    }
  }
  Elem result(std::size_t k) { return k < results_.size() ? results_[k] : futures_.at(k).get(); }

 private:
  Context& ctx_;
  const Node& n_;
  std::vector<std::unique_ptr<AccBase>> acc_;
  std::vector<SlotRegion> slots_;
  std::vector<PartRegion> parts_;
  std::vector<canopy::Future<Elem>> futures_;
  std::vector<Elem> results_;
};

template <class... Acc>
Elem node_task(Context& ctx, const Node* n, Acc... acc) {
  std::vector<std::unique_ptr<AccBase>> views;
  (views.push_back(std::make_unique<AccView<Acc>>(std::move(acc))), ...);
  ParExec ex(ctx, *n, std::move(views));
  return run_body(ex, *n);
}

// ---- the driver ---------------------------------------------------------------------------------------

void init_1d(Context&, Elem seed, int r, canopy::Write<Elem, 1> w) {
  for (std::int64_t i = w.bounds().lo[0]; i < w.bounds().hi[0]; ++i) w[i] = init_value(seed, r, i, 0);
}
void init_2d(Context&, Elem seed, int r, canopy::Write<Elem, 2> w) {
  for (std::int64_t i = w.bounds().lo[0]; i < w.bounds().hi[0]; ++i)
    for (std::int64_t j = w.bounds().lo[1]; j < w.bounds().hi[1]; ++j) w(i, j) = init_value(seed, r, i, j);
}
std::vector<Elem> snapshot_1d(Context&, canopy::Read<Elem, 1> r) { return std::vector<Elem>(r.begin(), r.end()); }
std::vector<Elem> snapshot_2d(Context&, canopy::Read<Elem, 2> r) {
  std::vector<Elem> out(r.data(), r.data() + r.size());
  std::size_t k = 0;  // the contiguous view and (i, j) agree
  for (std::int64_t i = r.bounds().lo[0]; i < r.bounds().hi[0]; ++i)
    for (std::int64_t j = r.bounds().lo[1]; j < r.bounds().hi[1]; ++j)
      if (out[k++] != r(i, j)) throw std::logic_error("2-D snapshot: data() and (i, j) disagree");
  return out;
}

std::vector<Elem> driver(Context& ctx, const Program* p) {
  std::vector<SlotRegion> regs;
  for (std::size_t r = 0; r < p->regions.size(); ++r) {
    const RegionDecl& d = p->regions[r];
    if (d.dims == 1) {
      Reg<1> x = ctx.create_region<Elem>(static_cast<std::size_t>(d.extent[0]));
      ctx.spawn(init_1d, p->seed, static_cast<int>(r), canopy::write(x));
      regs.push_back(slot_of<1>(std::move(x)));
    } else {
      Reg<2> x = ctx.create_region<Elem, 2>({static_cast<std::size_t>(d.extent[0]), static_cast<std::size_t>(d.extent[1])});
      ctx.spawn(init_2d, p->seed, static_cast<int>(r), canopy::write(x));
      regs.push_back(slot_of<2>(std::move(x)));
    }
    if (!(regs.back().bounds() == d.box())) mismatch(p->root, "created region r" + std::to_string(r) + " is " + regs.back().bounds().str());
  }
  Elem sum;
  {
    ParExec ex(ctx, p->root, regs);
    sum = run_body(ex, p->root);
  }
  std::vector<canopy::Future<std::vector<Elem>>> snaps;
  for (const SlotRegion& s : regs)
    snaps.push_back(s.dims == 1 ? ctx.spawn(snapshot_1d, canopy::read(s.r1)) : ctx.spawn(snapshot_2d, canopy::read(s.r2)));
  std::vector<Elem> out;
  for (auto& f : snaps) {
    std::vector<Elem> v = f.get();
    out.insert(out.end(), v.begin(), v.end());
  }
  out.push_back(sum);
  return out;
}

}  // namespace

std::vector<Elem> run_parallel(canopy::Runtime& rt, const Program& p) { return rt.run(driver, &p); }

}  // namespace diff
