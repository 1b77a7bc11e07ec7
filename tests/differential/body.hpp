#pragma once
// The body every generated task runs, written once over an executor: the parallel executor touches
// canopy accessors and spawns tasks; the reference executor touches std::vector storage and runs each
// child to completion at spawn time.
#include "program.hpp"

namespace diff {

/// phase touches the slots in `mask`: reads fold into the checksum, writes overwrite every element,
/// read_write updates every element, reductions fold a value into every element.
template <class Ex>
void phase(Ex& ex, const Node& n, int ph, std::uint32_t mask, Elem& sum) {
  for (std::size_t k = 0; k < n.slots.size(); ++k) {
    if (!(mask >> k & 1u)) continue;
    const Slot& s = n.slots[k];
    const int slot = static_cast<int>(k);
    const std::int64_t jlo = s.box.dims == 2 ? s.box.lo[1] : 0, jhi = s.box.dims == 2 ? s.box.hi[1] : 1;
    for (std::int64_t i = s.box.lo[0]; i < s.box.hi[0]; ++i)
      for (std::int64_t j = jlo; j < jhi; ++j) {
        switch (s.priv) {
          case Priv::read: sum = mix(sum ^ ex.get(slot, i, j)) + static_cast<Elem>(i * 31 + j); break;
          case Priv::write: ex.set(slot, i, j, point_value(n.id, ph, slot, i, j)); break;
          case Priv::read_write: {
            const Elem v = ex.get(slot, i, j) * (ph ? 5u : 3u) + n.id + static_cast<Elem>(ph);
            ex.set(slot, i, j, v);
            sum = mix(sum ^ v);
            break;
          }
          default: ex.fold(slot, i, j, point_value(n.id, ph, slot, i, j)); break;
        }
      }
  }
}

/// run_body is a task's body: pre phase, partitions, children, optional wait and post phase, checksum.
template <class Ex>
Elem run_body(Ex& ex, const Node& n) {
  Elem sum = mix(n.id + 1);
  ex.spin(n.spin);
  phase(ex, n, 0, n.pre_mask, sum);
  ex.make_parts();
  for (const Node& c : n.children) ex.spawn(c);
  if (n.post) {
    ex.wait(n.wait_with_get);
    phase(ex, n, 1, n.post_mask, sum);
  }
  if (n.collect)
    for (std::size_t k = 0; k < n.children.size(); ++k) sum = mix(sum ^ ex.result(k));
  return sum;
}

}  // namespace diff
