// ctx.access gives read, write or read_write; a reduction is folded by child tasks.
#include <canopy/canopy.hpp>

void parent(canopy::Context& ctx) {
  auto v = ctx.create_region<long>(4);
  ctx.access(canopy::reduce<canopy::Sum>(v));
}
