// The readable tables of the blocks (the sweeps' are in sweep_report.cpp, the JSON file in json.cpp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>

#include "harness/results.hpp"

namespace bench {
namespace {

double median_of(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double extra_of(const Sample& s, const std::string& key) {
  for (auto& [k, v] : s.extra)
    if (k == key) return v;
  return std::numeric_limits<double>::quiet_NaN();
}

std::string fmt(const char* f, double v) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string with_commas(std::uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

void print_row(const std::vector<std::string>& cells, const std::vector<int>& widths) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::string c = cells[i];
    int w = widths[i];
    if (i == 0) {
      line += c + std::string(static_cast<std::size_t>(std::max(0, w - static_cast<int>(c.size()))), ' ');
    } else {
      line += std::string(static_cast<std::size_t>(std::max(1, w - static_cast<int>(c.size()))), ' ') + c;
    }
  }
  std::cout << line << '\n';
}

void print_park(const Block& b) {
  const std::vector<int> w = {13, 14, 11, 11, 16, 15, 9, 9};
  print_row({"runtime", "ns/iter park", "min", "max", "ns/iter spin", "park+resume ns", "other-wkr", "parked"}, w);
  for (const RuntimeResult& r : b.results) {
    if (!r.error.empty() || !r.skipped.empty()) {
      std::cout << std::string(name(r.runtime)) << (r.error.empty() ? "  skipped: " + r.skipped : "  FAILED")
                << "\n";
      continue;
    }
    Summary s = summarize(r.samples);
    double iters = static_cast<double>(b.input.n);
    double spin = median_extra(r.samples, "spin_seconds") / iters * 1e9;
    double park = s.median / iters * 1e9;
    print_row({std::string(name(r.runtime)), fmt("%.0f", park), fmt("%.0f", s.min / iters * 1e9),
               fmt("%.0f", s.max / iters * 1e9), fmt("%.0f", spin), fmt("%.0f", park - spin),
               fmt("%.1f%%", 100.0 * median_extra(r.samples, "stolen") / iters),
               fmt("%.1f%%", 100.0 * median_extra(r.samples, "parked") / iters)},
              w);
  }
  std::cout << "  ns/iter: one spawn -> child taken by the other worker -> parent waits -> resumes.\n"
               "  park: the parent calls get() at once (parks); spin: it busy-waits for the child first.\n"
               "  park+resume = park - spin (medians). other-wkr: the child ran on the other worker; parked:\n"
               "  the future was not ready at get(); both as shares of the park pass's iterations.\n"
               "  boost-fiber hands the child to its other thread through a channel, because its\n"
               "  work_stealing never steals the child in this pattern (see park/boost_fiber.cpp).\n";
}

}  // namespace

Summary summarize(const std::vector<Sample>& samples) {
  Summary s;
  if (samples.empty()) return s;
  std::vector<double> t;
  for (const Sample& x : samples) t.push_back(x.seconds);
  s.median = median_of(t);
  s.min = *std::min_element(t.begin(), t.end());
  s.max = *std::max_element(t.begin(), t.end());
  s.valid = true;
  return s;
}

double median_extra(const std::vector<Sample>& samples, const std::string& key) {
  std::vector<double> v;
  for (const Sample& x : samples) v.push_back(extra_of(x, key));
  return median_of(v);
}

std::string speedup_key(const Block& b, RuntimeId r) {
  return std::string(name(b.suite)) + "|" + b.input.label + "|" + std::string(name(r));
}

void print_block(const Block& b, const std::map<std::string, double>& one_worker) {
  std::cout << "\n== " << name(b.suite) << ": " << b.input.label << ", " << b.workers
            << (b.workers == 1 ? " worker" : " workers") << " -- answer " << with_commas(b.ref.answer)
            << ", " << with_commas(b.ref.tasks) << (b.suite == SuiteId::park ? " iterations" : " tasks");
  if (!b.ref.note.empty()) std::cout << ", " << b.ref.note;
  std::cout << " ==\n";
  if (b.suite == SuiteId::park) return print_park(b);

  double serial = std::numeric_limits<double>::quiet_NaN();
  for (const RuntimeResult& r : b.results)
    if (r.runtime == RuntimeId::serial && r.error.empty() && !r.samples.empty())
      serial = summarize(r.samples).median;
  const double tasks = static_cast<double>(b.ref.tasks);

  const std::vector<int> w = {13, 11, 10, 10, 11, 12, 10, 12, 8};
  print_row({"runtime", "median ms", "min ms", "max ms", "Mtasks/s", "ns/task+", "x serial", "x best peer",
             "vs 1w"},
            w);
  for (const RuntimeResult& r : b.results) {
    if (!r.error.empty() || !r.skipped.empty()) {
      std::cout << std::string(name(r.runtime)) << (r.error.empty() ? "  skipped: " + r.skipped : "  FAILED")
                << "\n";
      continue;
    }
    Summary s = summarize(r.samples);
    double best_peer = std::numeric_limits<double>::infinity();
    for (const RuntimeResult& o : b.results)
      if (o.runtime != r.runtime && o.runtime != RuntimeId::serial && o.error.empty() && !o.samples.empty())
        best_peer = std::min(best_peer, summarize(o.samples).median);
    auto it = one_worker.find(speedup_key(b, r.runtime));
    bool parallel = r.runtime != RuntimeId::serial;
    print_row({std::string(name(r.runtime)), fmt("%.2f", s.median * 1e3), fmt("%.2f", s.min * 1e3),
               fmt("%.2f", s.max * 1e3), parallel ? fmt("%.1f", tasks / s.median / 1e6) : "-",
               parallel && b.workers == 1 ? fmt("%.1f", (s.median - serial) / tasks * 1e9) : "-",
               fmt("%.2f", s.median / serial),
               std::isfinite(best_peer) ? fmt("%.2f", s.median / best_peer) : "-",
               b.workers > 1 && it != one_worker.end() ? fmt("%.2fx", it->second / s.median) : "-"},
              w);
  }
}

}  // namespace bench
