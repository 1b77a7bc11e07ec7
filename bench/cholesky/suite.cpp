// The cholesky suite: every version factors the same matrix, is checked against the serial factor
// after every run, and is timed in rounds (run r of every version before run r+1 of any).
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

#include <canopy/canopy.hpp>

#include "cholesky/cholesky.hpp"
#include "spawn_deps/deps.hpp"

#ifndef CANOPY_BENCH_HAVE_STARPU
namespace bench::chol {
bool have_starpu() { return false; }
StarpuSession::StarpuSession(int) { throw std::runtime_error("built without StarPU (pkg-config starpu-1.3)"); }
StarpuSession::~StarpuSession() = default;
double StarpuSession::time(double*, long, long) { return 0; }
std::string StarpuSession::describe() const { return ""; }
}  // namespace bench::chol
#endif

namespace bench::deps {

namespace {
struct Version {
  std::string name;
  std::function<double(double*)> run;  // factors in place, returns seconds
  std::vector<double> seconds;
  double worst_diff = 0;
  std::string error;
};
}  // namespace

bool run_cholesky(const Options& o) {
  using namespace bench::chol;
  const long n = o.n, b = o.tile;
  const std::vector<double> a = make_spd(n, 42);
  std::vector<double> ref = a;
  std::cerr << "[cholesky] serial reference, n = " << n << ", tile " << b << "...\n";
  if (!factor_serial(ref.data(), n, b)) {
    loud_error("cholesky", "serial", "the test matrix is not positive definite");
    return false;
  }
  const double residual = residual_sampled(ref.data(), a.data(), n, 4000);
  if (!(residual < 1e-12)) {
    loud_error("cholesky", "serial", "the reference factor is wrong: max |L L^T - A| / max|A| = " + fmt("%.3g", residual) +
                                         " on sampled entries");
    return false;
  }

  // Runtimes are set up once, before any timing; each stays idle while the others run.
  std::unique_ptr<canopy::Runtime> rt;
  std::unique_ptr<StarpuSession> starpu;
  std::string starpu_note;
  std::vector<Version> versions;
  if (wants(o, "serial")) versions.push_back({"serial", [&](double* m) { return time_serial(m, n, b); }, {}, 0, {}});
  if (wants(o, "canopy")) {
    canopy::Config cfg;
    cfg.workers = o.workers;
    rt = std::make_unique<canopy::Runtime>(cfg);
    check_workers("canopy", rt->workers(), cfg.workers);
    versions.push_back({"canopy", [&](double* m) { return time_canopy(*rt, m, n, b, b); }, {}, 0, {}});
    if (o.leaf < b)
      versions.push_back({"canopy-hier", [&](double* m) { return time_canopy(*rt, m, n, b, o.leaf); }, {}, 0, {}});
  }
  if (wants(o, "omp")) versions.push_back({"omp", [&](double* m) { return time_omp(m, n, b, o.workers); }, {}, 0, {}});
  if (wants(o, "starpu")) {
    Version v{"starpu", nullptr, {}, 0, {}};
    try {
      starpu = std::make_unique<StarpuSession>(o.workers);
      starpu_note = starpu->describe();
      v.run = [&](double* m) { return starpu->time(m, n, b); };
    } catch (const std::exception& e) {
      if (have_starpu() || !o.runtimes.empty()) {
        v.error = std::string("setup: ") + e.what();
        loud_error("cholesky", "starpu", v.error);
      } else {
        v.error = "skipped";
      }
    }
    if (v.error != "skipped") versions.push_back(std::move(v));
  }

  std::vector<double> work(a.size());
  std::cerr << "[cholesky] " << o.workers << " worker(s): warm-up";
  for (int rep = -1; rep < o.repeat; ++rep) {
    if (rep >= 0) std::cerr << ", run " << rep + 1;
    for (Version& v : versions) {
      if (!v.error.empty()) continue;
      work = a;
      try {
        const double s = v.run(work.data());
        const double diff = max_diff_lower(work.data(), ref.data(), n);
        v.worst_diff = std::max(v.worst_diff, diff);
        // Every version makes the same kernel calls on the same tiles in the same per-tile order,
        // so the factors agree to the last bit; allow rounding anyway.
        if (!(diff <= 1e-9 * std::sqrt(static_cast<double>(n)))) {
          v.error = "wrong factor: max |L - L_serial| = " + fmt("%.3g", diff);
          loud_error("cholesky", v.name, v.error);
        } else if (rep >= 0) {
          v.seconds.push_back(s);
        }
      } catch (const std::exception& e) {
        v.error = std::string("exception: ") + e.what();
        loud_error("cholesky", v.name, v.error);
      }
      settle(o);
    }
  }
  std::cerr << "\n";

  const double flops = static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n) / 3.0;
  const long nt = n / b;
  const long tasks = nt + nt * (nt - 1) / 2 * 2 + nt * (nt - 1) * (nt - 2) / 6;
  std::printf("\n== cholesky: n = %ld, tile %ld (%ld x %ld tiles, %ld tile tasks), %d workers; leaf %ld for "
              "canopy-hier ==\n",
              n, b, nt, nt, tasks, o.workers, o.leaf);
  std::printf("%-12s %10s %10s %10s %9s %9s %11s %12s\n", "version", "median ms", "min ms", "max ms", "GFlop/s",
              "x serial", "x best peer", "max |diff|");
  double serial_median = NAN, best_peer = INFINITY;
  for (const Version& v : versions) {
    if (!v.error.empty() || v.seconds.empty()) continue;
    const double m = stats_of(v.seconds).median;
    if (v.name == "serial") serial_median = m;
    if (v.name == "omp" || v.name == "starpu") best_peer = std::min(best_peer, m);
  }
  bool ok = true;
  for (const Version& v : versions) {
    if (!v.error.empty()) {
      std::printf("%-12s  FAILED: %s\n", v.name.c_str(), v.error.c_str());
      ok = false;
      continue;
    }
    const Stats s = stats_of(v.seconds);
    std::printf("%-12s %10.1f %10.1f %10.1f %9.2f %9.2f %11s %12.3g\n", v.name.c_str(), s.median * 1e3, s.min * 1e3,
                s.max * 1e3, flops / s.median * 1e-9, s.median / serial_median,
                std::isfinite(best_peer) ? fmt("%.2f", s.median / best_peer).c_str() : "-", v.worst_diff);
  }
  std::printf("  Same tile kernels (cholesky/kernels.hpp) in every version; times cover task creation,\n"
              "  execution and the final wait. x best peer: median / the faster of omp and starpu (< 1: faster).\n"
              "  canopy-hier: GEMM/SYRK/TRSM tasks split tiles above the leaf size into child tasks.\n");
  if (!starpu_note.empty()) std::printf("  starpu: %s.\n", starpu_note.c_str());
  std::printf("  serial reference checked: max |L L^T - A| / max|A| = %.2g on 4000 sampled entries.\n", residual);
  std::cout.flush();
  return ok;
}

}  // namespace bench::deps
