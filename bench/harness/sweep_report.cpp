// See sweep_report.hpp.
#include "harness/sweep_report.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>

namespace bench {
namespace {

std::string us(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

const MetgCurve* curve_of(const std::vector<MetgCurve>& curves, RuntimeId r) {
  for (const MetgCurve& c : curves)
    if (c.runtime == r) return &c;
  return nullptr;
}

}  // namespace

void print_sweep_header(const SweepSpec& spec, const Sweep& sweep, int workers) {
  std::printf("\n== %s %s/%s: width %ld, %d workers, task sizes halving from %ld iterations (%.3f ns each "
              "alone on one core) ==\n",
              std::string(name(spec.suite)).c_str(), taskbench::name_of(spec.pattern), taskbench::name_of(spec.kernel),
              spec.width, workers, sweep.first_iterations(),
              sweep.seconds_per_iteration() * 1e9);
  std::printf("%10s %9s %7s", "iters", "ideal us", "tasks");
  for (RuntimeId r : sweep.runtimes())
    std::printf(" | %-11s %9s %9s %6s", std::string(name(r)).c_str(), "median ms", "gran us", "eff");
  std::printf("\n");
  std::cout.flush();
}

void print_sweep_row(const std::vector<Block>& blocks, const std::vector<RuntimeId>& runtimes) {
  if (blocks.empty()) return;
  const Block& b = blocks.back();
  const std::vector<MetgCurve> curves = metg_curves(blocks);
  const double rate = curves.empty() ? NAN : curves.front().rate;
  std::printf("%10ld %9s %7llu", b.input.iterations, us(static_cast<double>(b.input.iterations) * rate * 1e6).c_str(),
              static_cast<unsigned long long>(b.ref.tasks));
  for (RuntimeId r : runtimes) {
    const MetgCurve* c = curve_of(curves, r);
    std::string cells = "-";
    for (const RuntimeResult& x : b.results) {
      if (x.runtime != r) continue;
      if (!x.error.empty()) {
        cells = "FAILED";
      } else if (!x.skipped.empty()) {
        cells = x.skipped.rfind("failed", 0) == 0 ? "(failed)" : "(dropped)";
      } else if (c && !c->points.empty() && c->points.back().iterations == b.input.iterations) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%9.2f %9.2f %5.1f%%", summarize(x.samples).median * 1e3,
                      c->points.back().granularity_us, c->points.back().efficiency * 100);
        cells = buf;
      }
    }
    std::printf(" | %-11s %26s", "", cells.c_str());
  }
  std::printf("\n");
  std::cout.flush();
}

void print_sweep_end(const std::vector<Block>& blocks) {
  for (const MetgCurve& c : metg_curves(blocks)) {
    if (c.failed) {
      std::printf("  METG(50%%) %-11s: FAILED (see the errors above)\n", std::string(name(c.runtime)).c_str());
      continue;
    }
    std::printf("  METG(50%%) %-11s: medians %s us (interpolated %s us); fastest runs %s us (interpolated %s us)\n",
                std::string(name(c.runtime)).c_str(), us(c.median.measured).c_str(), us(c.median.interpolated).c_str(),
                us(c.fastest.measured).c_str(), us(c.fastest.interpolated).c_str());
  }
  if (!blocks.empty()) {
    const std::vector<MetgCurve> curves = metg_curves(blocks);
    if (!curves.empty())
      std::printf("  efficiency vs %.3f ns per iteration per core (the fastest run at the largest size)\n",
                  curves.front().rate * 1e9);
  }
  std::cout.flush();
}

void print_metg_summary(SuiteId s, const std::vector<Block>& blocks) {
  std::vector<MetgCurve> curves;
  for (MetgCurve& c : metg_curves(blocks))
    if (c.suite == s) curves.push_back(std::move(c));
  if (curves.empty()) return;
  std::vector<RuntimeId> runtimes;
  for (const MetgCurve& c : curves)
    if (std::find(runtimes.begin(), runtimes.end(), c.runtime) == runtimes.end()) runtimes.push_back(c.runtime);
  std::printf("\n== %s METG(50%%) in us, width %ld, %d workers (from the medians; interpolated in brackets) ==\n",
              std::string(name(s)).c_str(), curves.front().width, curves.front().workers);
  std::printf("%-20s", "sweep");
  for (RuntimeId r : runtimes) std::printf(" %20s", std::string(name(r)).c_str());
  std::printf("\n");
  for (std::size_t i = 0; i < curves.size();) {
    const std::string sweep = curves[i].sweep;
    std::printf("%-20s", sweep.c_str());
    for (RuntimeId r : runtimes) {
      std::string cell = "-";
      for (std::size_t j = i; j < curves.size() && curves[j].sweep == sweep; ++j)
        if (curves[j].runtime == r)
          cell = curves[j].failed ? "FAILED" : us(curves[j].median.measured) + " (" + us(curves[j].median.interpolated) + ")";
      std::printf(" %20s", cell.c_str());
    }
    std::printf("\n");
    while (i < curves.size() && curves[i].sweep == sweep) ++i;
  }
  std::printf("  gran = wall time x workers / tasks; METG = the smallest gran measured at >= 50%% efficiency\n"
              "  (interpolated: where the sweep crosses 50%%). Each run creates all tasks up front and waits;\n"
              "  every task's value and kernel result is checked against a serial run, exactly.\n");
  std::cout.flush();
}

}  // namespace bench
