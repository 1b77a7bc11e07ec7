// reduce: (1) forwarding: the root spawns a chain of `layers` tasks that each receive a Reduce<double,
// Sum> accessor of an 8M-element region and only pass it on (canopy::reduce<Sum>(acc)) to the next;
// the last one folds 1.0 into every element. (2) sparse: spawn_each of `reducers` tasks, each with
// reduce<Sum> on the whole 10^7-element region, folds k + 1 into one element.
// Each sample creates its region inside the timed run (zeroed pages come from mmap, so untouched ones
// cost nothing) and the time covers the spawns, the folds and the final join. Peak RSS is the
// process's high-water mark during the sample (reset through /proc/self/clear_refs before it), so it
// includes the region itself (64 MiB for forwarding once every element is touched).
#include "reduce/reduce.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include <canopy/canopy.hpp>

namespace bench::reduce {
namespace {

using Clock = std::chrono::steady_clock;

void reset_peak_rss() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";  // resets VmHWM to the current RSS (Linux 4.0 and later)
}
double peak_rss_mb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  return 0;
}

void fill_ones(canopy::Context&, canopy::Reduce<double, canopy::Sum> acc) {
  const std::int64_t lo = acc.bounds().lo[0], hi = acc.bounds().hi[0];
  for (std::int64_t i = lo; i < hi; ++i) acc.fold(i, 1.0);
}
void pass_on(canopy::Context& ctx, canopy::Reduce<double, canopy::Sum> acc, int layers) {
  if (layers <= 1) ctx.spawn(fill_ones, canopy::reduce<canopy::Sum>(acc));
  else ctx.spawn(pass_on, canopy::reduce<canopy::Sum>(acc), layers - 1);
}
double sum_of(canopy::Context&, canopy::Read<double> r) {
  double s = 0;
  for (double v : r) s += v;
  return s;
}
void fold_one(canopy::Context&, std::size_t k, canopy::Reduce<double, canopy::Sum> acc) {
  const auto n = static_cast<std::int64_t>(acc.size());
  acc.fold(static_cast<std::int64_t>(k) * 7919 % n, static_cast<double>(k + 1));
}

struct Sample {
  double ms = 0, rss_mb = 0;
  bool right = false;
};

// sample times a root task that runs `body(ctx)`, which returns the region once its reducers are done;
// the region's sum is then compared with `want`, untimed.
template <class Body>
Sample sample(canopy::Runtime& rt, double want, Body&& body) {
  Sample s;
  reset_peak_rss();
  double total = 0;
  const auto t0 = Clock::now();
  rt.run([&](canopy::Context& ctx) {
    canopy::Region<double> r = body(ctx);
    s.ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    total = ctx.spawn(sum_of, canopy::read(r)).get();
  });
  s.rss_mb = peak_rss_mb();
  s.right = total == want;
  return s;
}

Sample forwarding(canopy::Runtime& rt, long elements, int layers) {
  return sample(rt, static_cast<double>(elements), [&](canopy::Context& ctx) {
    auto r = ctx.create_region<double>(elements);
    if (layers == 0) ctx.spawn(fill_ones, canopy::reduce<canopy::Sum>(r));
    else ctx.spawn(pass_on, canopy::reduce<canopy::Sum>(r), layers);
    ctx.wait_all();
    return r;
  });
}

Sample sparse(canopy::Runtime& rt, long elements, long reducers) {
  return sample(rt, static_cast<double>(reducers) * static_cast<double>(reducers + 1) / 2, [&](canopy::Context& ctx) {
    auto r = ctx.create_region<double>(elements);
    ctx.spawn_each(static_cast<std::size_t>(reducers), fold_one, canopy::reduce<canopy::Sum>(r)).get();
    return r;
  });
}

// Reading in the parent after a writer child: `rounds` times a writer child of one element, then
// either get() of that child and a read through a reader child (what had to be written before
// ctx.access existed), get() of the writer alone (the floor), or ctx.access(read(v)).
void write_one(canopy::Context&, canopy::Write<double> w, double x) { w[0] = x; }
double read_one(canopy::Context&, canopy::Read<double> r) { return r[0]; }
enum class ReadBack { get_only, reader_task, access };
constexpr long kAccessRounds = 100000;

Sample read_back(canopy::Runtime& rt, ReadBack how) {
  return sample(rt, static_cast<double>(kAccessRounds - 1), [&](canopy::Context& ctx) {
    auto r = ctx.create_region<double>(1);
    double seen = 0;
    for (long k = 0; k < kAccessRounds; ++k) {
      auto f = ctx.spawn(write_one, canopy::write(r), static_cast<double>(k));
      switch (how) {
        case ReadBack::get_only: f.get(); seen = static_cast<double>(k); break;
        case ReadBack::reader_task: f.get(); seen = ctx.spawn(read_one, canopy::read(r)).get(); break;
        case ReadBack::access: seen = ctx.access(canopy::read(r))[0]; break;
      }
    }
    if (seen != static_cast<double>(kAccessRounds - 1)) throw std::runtime_error("read back the wrong value");
    return r;
  });
}

struct Row {
  std::string what;
  int workers;
  std::vector<double> ms, rss;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

bool run_reduce(const Options& o) {
  bool ok = true;
  std::vector<Row> rows;
  for (int w : o.workers) {
    canopy::Config cfg;
    cfg.workers = w;
    canopy::Runtime rt(cfg);
    if (rt.workers() != w)
      throw std::runtime_error("canopy runs " + std::to_string(rt.workers()) + " workers, not " + std::to_string(w) +
                               " (is CANOPY_WORKERS set?)");
    auto measure = [&](const std::string& what, auto&& one) {
      std::cerr << "[reduce] " << what << ", " << w << " worker(s)\n";
      Row row{what, w, {}, {}};
      for (int k = 0; k <= o.repeat; ++k) {
        const Sample s = one();
        if (!s.right) {
          std::cerr << "\n*** canopy-bench: canopy FAILED on reduce: wrong sum for " << what << "\n";
          ok = false;
        }
        if (k == 0) continue;  // warm-up
        row.ms.push_back(s.ms);
        row.rss.push_back(s.rss_mb);
      }
      rows.push_back(row);
    };
    for (int layers : o.layers)
      measure("forward " + std::to_string(layers) + " layer(s), " + std::to_string(o.elements) + " doubles",
              [&] { return forwarding(rt, o.elements, layers); });
    measure(std::to_string(o.reducers) + " reducers x 1 element of " + std::to_string(o.sparse_elements),
            [&] { return sparse(rt, o.sparse_elements, o.reducers); });
    const std::string rounds = std::to_string(kAccessRounds) + " x (writer child";
    measure(rounds + ", get)", [&] { return read_back(rt, ReadBack::get_only); });
    measure(rounds + ", get, reader child)", [&] { return read_back(rt, ReadBack::reader_task); });
    measure(rounds + ", ctx.access)", [&] { return read_back(rt, ReadBack::access); });
  }
  std::printf("\nreduce (median / min / max of %d runs; peak RSS of the whole process)\n", o.repeat);
  std::printf("%-58s %7s %10s %10s %10s %12s\n", "what", "workers", "med ms", "min ms", "max ms", "peak RSS MB");
  for (const Row& r : rows)
    std::printf("%-58s %7d %10.1f %10.1f %10.1f %12.1f\n", r.what.c_str(), r.workers, median(r.ms),
                *std::min_element(r.ms.begin(), r.ms.end()), *std::max_element(r.ms.begin(), r.ms.end()),
                *std::max_element(r.rss.begin(), r.rss.end()));
  return ok;
}

}  // namespace bench::reduce
