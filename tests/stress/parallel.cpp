// The parallel side: a program runs as canopy tasks. A node whose parent gave it a region receives the
// accessor of its request as its last parameter; the others are plain tasks.
#include <canopy/canopy.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <typeinfo>

#include "body.hpp"
#include "parallel.hpp"

namespace stress {

namespace {

using canopy::Context;
using U64 = std::uint64_t;
using Fut = canopy::Future<U64>;
using Inputs = std::vector<Fut>;
using Sum = canopy::Reduce<U64, canopy::Sum>;

/// Run is what every task of one run shares: where results go, and which socket on_socket(1) means.
struct Run {
  Result* out;
  int socket1;
  std::mutex mutex;
  void violation(const std::string& what) {
    std::lock_guard<std::mutex> lk(mutex);
    if (out->violations.size() < 4000) out->violations += what + "\n";
  }
};

struct NoAccessor {};

void busy(std::uint32_t n) {
  volatile U64 x = n;
  for (std::uint32_t i = 0; i < n; ++i) x = x * 6364136223846793005ull + 1442695040888963407ull;
}

template <class F, class... A>
Fut spawn_at(Context& ctx, Place place, int socket1, F fn, A&&... args) {
  switch (place) {
    case Place::socket0: return ctx.spawn(canopy::on_socket(0), fn, std::forward<A>(args)...);
    case Place::socket1: return ctx.spawn(canopy::on_socket(socket1), fn, std::forward<A>(args)...);
    case Place::here: return ctx.spawn(canopy::here, fn, std::forward<A>(args)...);
    case Place::anywhere: break;
  }
  return ctx.spawn(fn, std::forward<A>(args)...);  // the unplaced overload: the inline fast path
}

U64 gate_task(Context&, std::atomic<std::uint32_t>* arrived, std::uint32_t expected, std::uint32_t host) {
  while (arrived->load(std::memory_order_acquire) < expected) std::this_thread::sleep_for(std::chrono::microseconds(200));
  std::this_thread::sleep_for(std::chrono::microseconds(500));  // the last arrivals reach their park
  return gate_value(host);
}

U64 waiter_task(Context&, Fut gate, std::atomic<std::uint32_t>* arrived, std::uint32_t host, std::uint32_t i) {
  arrived->fetch_add(1, std::memory_order_acq_rel);
  const U64 g = gate.get();
  return waiter_result(host, i, g);
}

U64 park_leaf(Context&) {
  busy(3000);
  return 1;
}

std::vector<U64> snapshot_task(Context&, canopy::Read<U64> r) { return std::vector<U64>(r.begin(), r.end()); }

template <class Acc>
U64 node_task(Context& ctx, const Node* n, Run* run, Inputs in, Acc acc);
U64 plain_task(Context& ctx, const Node* n, Run* run, Inputs in) { return node_task(ctx, n, run, std::move(in), NoAccessor{}); }
U64 point_task(Context& ctx, std::size_t i, const Node* parent, Run* run) {
  return node_task(ctx, &parent->children[i], run, Inputs{}, NoAccessor{});
}

template <class Acc>
class ParExec {
 public:
  ParExec(Context& ctx, const Node& n, Run* run, Inputs in, Acc& acc)
      : ctx_(ctx), n_(n), run_(run), inputs_(std::move(in)), acc_(acc), futures_(n.children.size()),
        base_(std::uncaught_exceptions()) {
    if constexpr (!std::is_same_v<Acc, NoAccessor>) {
      const canopy::Rect<1> b = acc_.bounds();
      if (b.lo[0] != n.box.lo || b.hi[0] != n.box.hi)
        throw std::logic_error("t" + std::to_string(n.id) + " received an accessor of [" + std::to_string(b.lo[0]) + ", " +
                               std::to_string(b.hi[0]) + ")");
    }
  }

  // Only a task that can never run nested in another task's frame starts with a clean exception
  // state for sure: a placed one (an inline get or join runs children on the parent's fiber, inside
  // whatever handler the parent is in).
  void check_fresh(const Node& n) {
    if (n.place != Place::socket0 && n.place != Place::socket1 && n.id != 0) return;
    if (std::current_exception() || std::uncaught_exceptions() != 0)
      run_->violation("t" + std::to_string(n.id) + " started with the exception state of another task (uncaught " +
                      std::to_string(std::uncaught_exceptions()) + ", current_exception " +
                      (std::current_exception() ? "set" : "null") + ")");
  }
  void spin(std::uint32_t k) { busy(k); }
  bool input_catches(std::size_t j) const { return n_.inputs[j].catches; }
  U64 input(std::size_t j) { return inputs_[j].get(); }
  U64 blocking(const Node& n) {
    return canopy::blocking([&n] {
      std::this_thread::sleep_for(std::chrono::microseconds(n.blocking_us));
      return blocking_result(n);
    });
  }
  U64 gate(const Node& n) {
    std::atomic<std::uint32_t> arrived{0};
    // Placed: never on our deque, so no waiter runs it inline; it returns once all of them wait.
    Fut g = ctx_.spawn(canopy::on_socket(0), gate_task, &arrived, n.gate_waiters, n.id);
    std::vector<Fut> waiters;
    waiters.reserve(n.gate_waiters);
    for (std::uint32_t i = 0; i < n.gate_waiters; ++i) waiters.push_back(ctx_.spawn(waiter_task, g, &arrived, n.id, i));
    U64 acc = mix(n.id);
    try {
      for (std::uint32_t i = 0; i < n.gate_waiters; ++i) {
        try {
          acc = stress::fold(acc, i, waiters[i].get());
        } catch (...) {
          acc = stress::fold(acc, i + kCaughtTag, caught_id());
        }
      }
      g.get();
    } catch (...) {
      // `arrived` is ours: nothing may leave this frame while the gate or a waiter still runs.
      try {
        ctx_.wait_all();
      } catch (...) {
      }
      throw;
    }
    ctx_.wait_all();
    return stress::fold(acc, kGateTag, gate_value(n.id));
  }
  void hold(const Node& n) {
    if (n.region > 0) region_ = ctx_.create_region<U64>(static_cast<std::size_t>(n.region));
    else if constexpr (!std::is_same_v<Acc, NoAccessor>) region_ = acc_.region();
    if (n.parts.empty()) return;
    if (n.parts_equal) {
      parts_ = region_.partition_equal(n.parts.size());
    } else {
      std::vector<canopy::Rect<1>> boxes;
      for (const Box& b : n.parts) boxes.push_back(rect(b));
      parts_ = region_.partition(boxes);
    }
  }
  U64 read(std::int64_t i) {
    if constexpr (std::is_same_v<Acc, canopy::Read<U64>> || std::is_same_v<Acc, canopy::ReadWrite<U64>>) return acc_[i];
    else throw std::logic_error("read through an accessor without read");
  }
  void write(std::int64_t i, U64 v) {
    if constexpr (std::is_same_v<Acc, canopy::Write<U64>> || std::is_same_v<Acc, canopy::ReadWrite<U64>>) acc_[i] = v;
    else throw std::logic_error("write through an accessor without write");
  }
  void reduce(std::int64_t i, U64 v) {
    if constexpr (std::is_same_v<Acc, Sum>) acc_.fold(i, v);
    else throw std::logic_error("fold through an accessor without reduce");
  }

  void spawn(std::size_t i) {
    const Node& c = n_.children[i];
    Inputs in;
    for (const Input& x : c.inputs) in.push_back(x.shared ? futures_[x.from] : std::move(futures_[x.from]));
    const Place p = c.place;
    const int s1 = run_->socket1;
    Fut& f = futures_[i];
    switch (c.priv) {
      case Priv::none: f = spawn_at(ctx_, p, s1, &plain_task, &c, run_, std::move(in)); break;
      case Priv::read: f = spawn_at(ctx_, p, s1, &node_task<canopy::Read<U64>>, &c, run_, std::move(in), canopy::read(child_region(c))); break;
      case Priv::write: f = spawn_at(ctx_, p, s1, &node_task<canopy::Write<U64>>, &c, run_, std::move(in), canopy::write(child_region(c))); break;
      case Priv::read_write:
        f = spawn_at(ctx_, p, s1, &node_task<canopy::ReadWrite<U64>>, &c, run_, std::move(in), canopy::read_write(child_region(c)));
        break;
      case Priv::sum:
        f = spawn_at(ctx_, p, s1, &node_task<Sum>, &c, run_, std::move(in), canopy::reduce<canopy::Sum>(child_region(c)));
        break;
    }
  }
  void drop(std::size_t i) { futures_[i] = Fut(); }
  U64 get(std::size_t i) { return futures_[i].get(); }
  void wait_all(bool) { ctx_.wait_all(); }
  void spawn_each(std::size_t m) { map_ = ctx_.spawn_each(m, point_task, &n_, run_); }
  std::vector<U64> get_map() { return map_.get(); }
  U64 snapshot(const Node& n) {
    std::vector<U64> v = ctx_.spawn(snapshot_task, canopy::read(region_)).get();
    const U64 h = region_hash(v);
    run_->out->regions[n.id] = std::move(v);
    return h;
  }
  void park(Park kind) noexcept {
    try {
      if (kind == Park::blocking) canopy::blocking([] { std::this_thread::sleep_for(std::chrono::microseconds(100)); });
      else (void)ctx_.spawn(canopy::on_socket(0), park_leaf).get();
    } catch (const std::exception& e) {
      run_->violation("t" + std::to_string(n_.id) + ": a park in the unwind probe threw " + e.what());
    } catch (...) {
      run_->violation("t" + std::to_string(n_.id) + ": a park in the unwind probe threw");
    }
  }
  // Relative to the task's start: a child run inline during its parent's unwinding (by the join in
  // the parent's probe) counts the parent's exception too, and rightly so.
  int uncaught() const { return std::uncaught_exceptions() - base_; }
  void record_probe(const Node& n, int before, int after) { run_->out->probes[n.id] = probe_code(before, after); }

 private:
  static canopy::Rect<1> rect(const Box& b) {
    canopy::Rect<1> r;
    r.lo[0] = b.lo;
    r.hi[0] = b.hi;
    return r;
  }
  canopy::Region<U64> child_region(const Node& c) const {
    if (c.piece >= 0) return parts_[static_cast<std::size_t>(c.piece)];
    const canopy::Rect<1> held = region_.bounds();
    if (held.lo[0] == c.box.lo && held.hi[0] == c.box.hi) return region_;
    return region_.sub(rect(c.box));
  }

  Context& ctx_;
  const Node& n_;
  Run* run_;
  Inputs inputs_;
  Acc& acc_;
  std::vector<Fut> futures_;
  canopy::FutureMap<U64> map_;
  canopy::Region<U64> region_;
  canopy::Partition<U64> parts_;
  int base_;
};

/// outcome_of_current classifies the exception being handled; anything but a Boom is a violation. The
/// Boom is read through caught_id only (see the ThreadSanitizer note in stress_main_test.cpp).
Outcome outcome_of_current(Run* run, const std::string& who) {
  try {
    return Outcome{Outcome::boom, caught_id()};
  } catch (const std::exception& e) {
    run->violation(who + " threw " + typeid(e).name() + ": " + e.what());
  } catch (...) {
    run->violation(who + " threw something that is not a std::exception");
  }
  return Outcome{};
}

template <class Acc>
U64 node_task(Context& ctx, const Node* n, Run* run, Inputs in, Acc acc) {
  try {
    ParExec<Acc> ex(ctx, *n, run, std::move(in), acc);
    const U64 v = run_node(ex, *n);
    run->out->nodes[n->id] = Outcome{Outcome::value, v};
    return v;
  } catch (...) {
    run->out->nodes[n->id] = outcome_of_current(run, "t" + std::to_string(n->id));
    throw;
  }
}

}  // namespace

Result run_parallel(canopy::Runtime& rt, const Program& p) {
  Result r(p.nodes);
  int socket1 = 0;
  for (const canopy::WorkerStats& s : rt.worker_stats())
    if (s.socket == 1) socket1 = 1;
  Run run{&r, socket1, {}};
  try {
    r.root = Outcome{Outcome::value, rt.run(plain_task, &p.root, &run, Inputs{})};
  } catch (...) {
    r.root = outcome_of_current(&run, "rt.run");
  }
  return r;
}

}  // namespace stress
