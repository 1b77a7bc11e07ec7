// --json FILE: every sample of every block, the summaries, the METG curves and the machine.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "harness/metg.hpp"
#include "harness/results.hpp"

namespace bench {
namespace {

std::string json_str(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string json_num(double v) {
  if (!std::isfinite(v)) return "null";
  std::ostringstream o;
  o.precision(17);
  o << v;
  return o.str();
}

// The block's input beyond its label: cholesky's tiles, a sweep point's graph and kernel.
std::string input_fields(const Block& b) {
  std::ostringstream f;
  if (b.suite == SuiteId::cholesky) f << ", \"tile\": " << b.input.tile << ", \"leaf\": " << b.input.leaf;
  if (!b.input.sweep.empty())
    f << ", \"sweep\": " << json_str(b.input.sweep)
      << ", \"pattern\": " << json_str(b.suite == SuiteId::stencil ? "stencil_1d" : taskbench::name_of(b.input.graph.pattern))
      << ", \"kernel\": " << json_str(taskbench::name_of(b.input.kernel)) << ", \"width\": " << b.input.graph.width
      << ", \"steps\": " << b.input.graph.steps << ", \"iterations\": " << b.input.iterations;
  return f.str();
}

// Every sweep's curves and METG, as the tables and the plot show them.
void write_metg(std::ostream& f, const std::vector<Block>& blocks) {
  const std::vector<MetgCurve> curves = metg_curves(blocks);
  f << ",\n  \"metg\": [";
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const MetgCurve& c = curves[i];
    f << (i ? "," : "") << "\n    {\"suite\": " << json_str(name(c.suite)) << ", \"sweep\": " << json_str(c.sweep)
      << ", \"width\": " << c.width << ", \"workers\": " << c.workers << ", \"runtime\": " << json_str(name(c.runtime))
      << ", \"failed\": " << (c.failed ? "true" : "false") << ", \"seconds_per_iteration\": " << json_num(c.rate)
      << ",\n     \"metg_us\": " << json_num(c.median.measured)
      << ", \"metg_interpolated_us\": " << json_num(c.median.interpolated)
      << ", \"metg_fastest_us\": " << json_num(c.fastest.measured)
      << ", \"metg_fastest_interpolated_us\": " << json_num(c.fastest.interpolated) << ",\n     \"points\": [";
    for (std::size_t j = 0; j < c.points.size(); ++j) {
      const CurvePoint& p = c.points[j];
      f << (j ? ", " : "") << "{\"iterations\": " << p.iterations << ", \"tasks\": " << json_num(p.tasks)
        << ", \"granularity_us\": " << json_num(p.granularity_us) << ", \"efficiency\": " << json_num(p.efficiency)
        << ", \"fastest_granularity_us\": " << json_num(p.best_granularity_us)
        << ", \"fastest_efficiency\": " << json_num(p.best_efficiency) << "}";
    }
    f << "]}";
  }
  f << "\n  ]";
}

}  // namespace

bool write_json(const std::string& path, const RunInfo& info, const std::vector<Block>& blocks) {
  std::ofstream f(path);
  if (!f) {
    std::cerr << "canopy-bench: cannot write " << path << "\n";
    return false;
  }
  f << "{\n  \"tool\": \"canopy-bench\",\n  \"command\": " << json_str(info.command_line) << ",\n  \"argv\": [";
  for (std::size_t i = 0; i < info.argv.size(); ++i) f << (i ? ", " : "") << json_str(info.argv[i]);
  f << "],\n  \"started_at\": " << json_str(info.started_at) << ",\n  \"finished_at\": " << json_str(info.finished_at)
    << ",\n  \"machine\": ";
  if (!info.machine_json.empty()) {
    // Indented by two so that the document stays readable; the JSON itself is unchanged.
    std::string m = info.machine_json;
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    for (char c : m) f << c << (c == '\n' ? "  " : "");
  } else {
    f << "null,\n  \"machine_error\": " << json_str(info.machine_error);
  }
  f << ",\n  \"size\": " << json_str(info.size) << ",\n  \"repeat\": " << info.repeat
    << ",\n  \"hardware_concurrency\": " << info.hardware_concurrency
    << ",\n  \"canopy_built\": " << (info.canopy_built ? "true" : "false") << ",\n  \"blocks\": [";
  for (std::size_t bi = 0; bi < blocks.size(); ++bi) {
    const Block& b = blocks[bi];
    f << (bi ? "," : "") << "\n    {\"suite\": " << json_str(name(b.suite))
      << ", \"input\": " << json_str(b.input.label) << ", \"n\": " << b.input.n
      << ", \"workers\": " << b.workers << ", \"answer\": " << b.ref.answer << ", \"tasks\": " << b.ref.tasks
      << ", \"note\": " << json_str(b.ref.note) << input_fields(b) << ",\n     \"runtimes\": [";
    for (std::size_t ri = 0; ri < b.results.size(); ++ri) {
      const RuntimeResult& r = b.results[ri];
      Summary s = summarize(r.samples);
      f << (ri ? "," : "") << "\n      {\"runtime\": " << json_str(name(r.runtime))
        << ", \"ok\": " << (r.error.empty() ? "true" : "false") << ", \"error\": " << json_str(r.error)
        << ", \"skipped\": " << json_str(r.skipped)
        << ", \"median_s\": " << json_num(s.valid ? s.median : NAN)
        << ", \"min_s\": " << json_num(s.valid ? s.min : NAN)
        << ", \"max_s\": " << json_num(s.valid ? s.max : NAN) << ",\n       \"samples\": [";
      for (std::size_t si = 0; si < r.samples.size(); ++si) {
        const Sample& x = r.samples[si];
        f << (si ? ", " : "") << "{\"run\": " << si << ", \"seconds\": " << json_num(x.seconds)
          << ", \"answer\": " << x.answer;
        for (auto& [k, v] : x.extra) f << ", " << json_str(k) << ": " << json_num(v);
        f << "}";
      }
      f << "]}";
    }
    f << "]}";
  }
  f << "\n  ]";
  write_metg(f, blocks);
  f << "\n}\n";
  f.close();
  if (!f) {
    std::cerr << "canopy-bench: error writing " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace bench
