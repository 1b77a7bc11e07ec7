// What differs between the reference and a parallel run, told from the nodes where it starts: a node
// whose outcome differs while all its children's agree is where the runtime went wrong; its
// ancestors only inherit the difference.
#include <sstream>

#include "sweep.hpp"

namespace stress {

namespace {

bool differs(const Result& want, const Result& got, std::uint32_t id) { return !(want.nodes[id] == got.nodes[id]); }

void origins(const Node& n, const Result& want, const Result& got, std::vector<std::uint32_t>& out) {
  bool child_differs = false;
  for (const Node& c : n.children) {
    origins(c, want, got, out);
    child_differs = child_differs || differs(want, got, c.id);
  }
  if (differs(want, got, n.id) && !child_differs) out.push_back(n.id);
}

std::string probe_str(std::uint8_t code) {
  if (code == 0) return "no probe ran";
  const int before = (code - 1) / 8, after = (code - 1) % 8;
  return "uncaught " + std::to_string(before) + " before its park, " + std::to_string(after) + " after";
}

}  // namespace

std::string compare(const Program& p, const Result& want, const Result& got) {
  std::ostringstream out;
  out << got.violations;
  if (!(want.root == got.root)) out << "rt.run: reference " << outcome_str(want.root) << ", parallel " << outcome_str(got.root) << '\n';
  std::vector<std::uint32_t> first;
  origins(p.root, want, got, first);
  std::size_t total = 0;
  for (std::uint32_t id = 0; id < p.nodes; ++id) total += differs(want, got, id);
  for (std::size_t k = 0; k < first.size() && k < 8; ++k)
    out << 't' << first[k] << "'s body: reference " << outcome_str(want.nodes[first[k]]) << ", parallel "
        << outcome_str(got.nodes[first[k]]) << '\n';
  if (total > 8 || total > first.size()) out << "(" << total << " tasks' bodies differ in all)\n";
  int shown = 0;
  for (std::uint32_t id = 0; id < p.nodes; ++id) {
    if (want.probes[id] != got.probes[id] && shown++ < 8)
      out << 't' << id << "'s unwind probe: reference " << probe_str(want.probes[id]) << ", parallel " << probe_str(got.probes[id]) << '\n';
    const std::vector<std::uint64_t>& a = want.regions[id];
    const std::vector<std::uint64_t>& b = got.regions[id];
    if (a == b) continue;
    if (a.size() != b.size()) {
      out << "region of t" << id << ": the reference saw " << a.size() << " elements, the parallel run " << b.size() << '\n';
      continue;
    }
    std::size_t bad = 0, at = 0;
    for (std::size_t i = a.size(); i-- > 0;)
      if (a[i] != b[i]) ++bad, at = i;
    out << "region of t" << id << ": " << bad << " of " << a.size() << " elements differ, first [" << at << "]: reference "
        << a[at] << ", parallel " << b[at] << '\n';
  }
  return out.str();
}

}  // namespace stress
