// spawn-deps: the cost of one spawn with two privilege requests in a parent that has N live siblings,
// each on its own piece of a disjoint partition (pieces of partition_equal(N)).
//
// Only the spawning loop is timed, and the children must still be live (not run) during it, or the
// analyzer would be looking at finished siblings. Two ways are measured:
//  - 1 worker: nothing else can run a child while the parent spawns, so all N stay queued on the
//    parent's deque until it waits (ctx.wait_all, untimed), which then runs them.
//  - gated, 2 workers: each round first spawns a gate task that writes the small region S and spins
//    until released; every child reads S (the rw+shared pattern), so none can start until the gate,
//    released after the timed loop, has finished.
// Variants of the two requests:
//   r+w        read(X[i]), write(Y[i])          two disjoint partitions, nothing shared
//   rw+shared  read_write(X[i]), read(S)        plus a small region every sibling reads
//   none       no request (the plain spawn, for reference)
// Each sample spawns N siblings per round, waits for them (untimed), and repeats rounds until
// `spawns` spawns were timed; ns/spawn = timed loop time / spawns. The children write their piece,
// and the parent checks every piece afterwards (a lost or doubled child is an error).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>

#include <canopy/canopy.hpp>

#include "spawn_deps/deps.hpp"

namespace bench::deps {
namespace {

struct Stats {
  double median = 0, min = 0, max = 0;
  bool valid = false;
};
Stats stats_of(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  s.median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  s.min = v.front();
  s.max = v.back();
  s.valid = true;
  return s;
}

// Prints a framed error on stderr (so that it is seen among pages of figures).
void loud_error(const std::string& what) {
  std::cerr << "\n**************************************************************************\n"
            << "*** canopy-bench: canopy FAILED on spawn-deps:\n*** " << what
            << "\n**************************************************************************\n";
}

// Throws when the runtime did not start the workers asked for (CANOPY_WORKERS overrides Config).
void check_workers(int got, int want) {
  if (got != want)
    throw std::runtime_error("canopy runs " + std::to_string(got) + " workers, not " + std::to_string(want) +
                             " (is CANOPY_WORKERS set?)");
}

enum class Variant { rw_pieces, rw_shared, none, gated };

const char* name(Variant v) {
  switch (v) {
    case Variant::rw_pieces: return "r+w";
    case Variant::rw_shared: return "rw+shared";
    case Variant::none: return "none";
    case Variant::gated: return "gated";
  }
  return "?";
}

void child_rw(canopy::Context&, canopy::Read<double> in, canopy::Write<double> out, double tag) {
  const std::int64_t i = out.bounds().lo[0];
  out[i] = in[i] + tag;
}

void child_shared(canopy::Context&, canopy::ReadWrite<double> io, canopy::Read<double> s) {
  io[io.bounds().lo[0]] += s[0];
}

void child_none(canopy::Context&, double* slot) { *slot += 1.0; }

void gate(canopy::Context&, canopy::Write<double> g, std::atomic<bool>* open) {
  while (!open->load(std::memory_order_acquire)) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  g[0] = 1.0;
}

struct Sample {
  double ns_per_spawn = 0;
  std::string error;  // non-empty: the check failed
};

// The root task of one sample: `rounds` rounds of n spawns.
Sample spawn_top(canopy::Context& ctx, Variant v, long n, long rounds) {
  canopy::Region<double> x = ctx.create_region<double>(static_cast<std::size_t>(n));
  canopy::Region<double> y = ctx.create_region<double>(static_cast<std::size_t>(n));
  canopy::Region<double> s = ctx.create_region<double>(16);
  std::vector<double> plain(static_cast<std::size_t>(n), 0.0);
  auto xp = x.partition_equal(static_cast<std::size_t>(n));
  auto yp = y.partition_equal(static_cast<std::size_t>(n));
  // Piece handles are made once, outside the timing (parts[i] builds a new node each time).
  std::vector<canopy::Region<double>> xs, ys;
  xs.reserve(static_cast<std::size_t>(n));
  ys.reserve(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i) {
    xs.push_back(xp[static_cast<std::size_t>(i)]);
    ys.push_back(yp[static_cast<std::size_t>(i)]);
  }
  if (v != Variant::gated) {  // (the gate writes it in the gated variant)
    canopy::ReadWrite<double> sa = ctx.access(canopy::read_write(s));
    sa[0] = 1.0;
  }

  double timed = 0;
  for (long r = 0; r < rounds; ++r) {
    std::atomic<bool> open{false};
    if (v == Variant::gated) ctx.spawn(gate, canopy::write(s), &open);
    const auto t0 = Clock::now();
    switch (v) {
      case Variant::rw_pieces:
        for (long i = 0; i < n; ++i) ctx.spawn(child_rw, canopy::read(xs[i]), canopy::write(ys[i]), 1.0);
        break;
      case Variant::rw_shared:
      case Variant::gated:
        for (long i = 0; i < n; ++i) ctx.spawn(child_shared, canopy::read_write(xs[i]), canopy::read(s));
        break;
      case Variant::none:
        for (long i = 0; i < n; ++i) ctx.spawn(child_none, &plain[static_cast<std::size_t>(i)]);
        break;
    }
    timed += seconds_since(t0);
    open.store(true, std::memory_order_release);
    ctx.wait_all();
    if (v == Variant::rw_pieces) {
      // Feed the output back as the next round's input: y = x + 1, so after r rounds x[i] = r.
      std::swap(xs, ys);
    }
  }

  // Check: r+w leaves r (rounds) in the last written region; the others add 1 per round.
  Sample out;
  out.ns_per_spawn = timed / static_cast<double>(rounds * n) * 1e9;
  const double want = static_cast<double>(rounds);
  for (long i = 0; i < n && out.error.empty(); ++i) {
    double got = 0;
    if (v == Variant::none) {
      got = plain[static_cast<std::size_t>(i)];
    } else {
      canopy::Read<double> acc = ctx.access(canopy::read(xs[static_cast<std::size_t>(i)]));  // r+w: the last outputs (swapped in)
      got = acc[i];
    }
    if (got != want)
      out.error = std::string(name(v)) + ", " + std::to_string(n) + " siblings: piece " + std::to_string(i) +
                  " holds " + std::to_string(got) + " after " + std::to_string(rounds) + " rounds, expected " +
                  std::to_string(want);
  }
  return out;
}

canopy::Config config(int workers) {
  canopy::Config cfg;
  cfg.workers = workers;
  return cfg;
}

}  // namespace

const std::vector<std::string>& variant_names() {
  static const std::vector<std::string> names = {name(Variant::rw_pieces), name(Variant::rw_shared),
                                                 name(Variant::none), name(Variant::gated)};
  return names;
}

bool run_spawn_deps(const Options& o) {
  bool ok = true;
  struct Row {
    Variant v;
    long n;
    Stats s;
    bool failed = false;
    bool skipped = false;
  };
  std::vector<Row> rows;

  auto wanted = [&](Variant v) {
    return o.variants.empty() || std::find(o.variants.begin(), o.variants.end(), name(v)) != o.variants.end();
  };
  auto measure = [&](canopy::Runtime& rt, Variant v, long n) {
    const bool shared = v == Variant::rw_shared || v == Variant::gated;
    if (shared && n > o.shared_max) {
      rows.push_back(Row{v, n, {}, false, true});
      return;
    }
    long rounds = std::max(1L, o.spawns / n);
    // Every rw+shared spawn scans all earlier readers of S: keep a sample near 2.5e7 list steps.
    if (shared) rounds = std::max(1L, std::min(rounds, 50'000'000L / (n * n)));
    std::cerr << "[spawn-deps] " << name(v) << ", " << n << " siblings x " << rounds << " rounds: warm-up";
    std::vector<double> ns;
    Row row{v, n, {}, false, false};
    for (int rep = -1; rep < o.repeat && !row.failed; ++rep) {
      if (rep >= 0) std::cerr << ", run " << rep + 1;
      try {
        Sample s = rt.run(spawn_top, v, n, rounds);
        if (!s.error.empty()) {
          loud_error("wrong answer: " + s.error);
          row.failed = true;
        } else if (rep >= 0) {
          ns.push_back(s.ns_per_spawn);
        }
      } catch (const std::exception& e) {
        loud_error(std::string("exception: ") + e.what());
        row.failed = true;
      }
    }
    std::cerr << "\n";
    row.s = stats_of(ns);
    if (row.failed) ok = false;
    rows.push_back(row);
  };

  {
    canopy::Runtime rt(config(1));
    check_workers(rt.workers(), 1);  // the children must not run during the timed loop
    for (Variant v : {Variant::rw_pieces, Variant::rw_shared, Variant::none})
      if (wanted(v))
        for (long n : o.siblings) measure(rt, v, n);
  }
  if (wanted(Variant::gated) && o.workers >= 2) {
    canopy::Runtime rt(config(2));
    check_workers(rt.workers(), 2);
    for (long n : o.siblings) measure(rt, Variant::gated, n);
  }

  std::cout << "\n== spawn-deps: ns per spawn with 2 privilege requests, N live siblings on disjoint pieces ==\n";
  std::printf("%-10s %8s %8s %10s %10s %10s %12s\n", "variant", "workers", "N", "median ns", "min ns", "max ns",
              "vs N=first");
  std::map<Variant, double> first;
  for (const Row& r : rows) {
    const int workers = r.v == Variant::gated ? 2 : 1;
    if (r.failed || r.skipped) {
      std::printf("%-10s %8d %8ld  %s\n", name(r.v), workers, r.n,
                  r.failed ? "FAILED" : "skipped: more than --shared-max siblings");
      continue;
    }
    if (!first.count(r.v)) first[r.v] = r.s.median;
    std::printf("%-10s %8d %8ld %10.0f %10.0f %10.0f %11.2fx\n", name(r.v), workers, r.n, r.s.median, r.s.min,
                r.s.max, r.s.median / first[r.v]);
  }
  std::cout << "  r+w: read(X[i]) + write(Y[i]); rw+shared: read_write(X[i]) + read(S), S one small region\n"
               "  every sibling reads; none: a spawn without requests. 1 worker: the children wait on the\n"
               "  parent's deque during the timed loop; gated: 2 workers, every child also waits for a gate\n"
               "  task that writes S. Target: <= 500 ns per spawn and <= 2x from 10 to 100 000 siblings.\n";
  std::cout.flush();
  return ok;
}

}  // namespace bench::deps
