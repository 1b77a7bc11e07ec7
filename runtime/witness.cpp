// The race witness (see canopy/witness.hpp); records only in CANOPY_CHECKED builds.
#include "witness.hpp"

#include <mutex>

#include "trace.hpp"

namespace canopy {

namespace {
std::mutex witness_mutex;
std::vector<WitnessRecord> witness_records;
}  // namespace

bool witness_enabled() { return CANOPY_CHECKED_BUILD != 0; }

std::vector<WitnessRecord> witness_take() {
  std::lock_guard<std::mutex> lk(witness_mutex);
  return std::exchange(witness_records, {});
}

namespace rt {

void witness_record(const detail::Frame* f, std::int64_t start_ns) {
  if (!CANOPY_CHECKED_BUILD || !f->deps || f->deps->held.empty()) return;
  WitnessRecord rec;
  rec.task = rt::task_id(f);
  rec.parent = f->parent ? rt::task_id(f->parent) : 0;
  rec.start_ns = start_ns;
  rec.end_ns = trace_clock_ns();
  for (const Held& h : f->deps->held) {
    WitnessUse u;
    u.root_region = h.root;
    u.dims = h.box.dims;
    for (int d = 0; d < h.box.dims; ++d) {
      u.lo[d] = h.box.lo[d];
      u.hi[d] = h.box.hi[d];
    }
    u.privilege = h.privilege;
    if (h.op) u.op = h.op;
    rec.uses.push_back(std::move(u));
  }
  std::lock_guard<std::mutex> lk(witness_mutex);
  witness_records.push_back(std::move(rec));
}

}  // namespace rt
}  // namespace canopy
