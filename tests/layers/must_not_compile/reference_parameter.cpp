// A task parameter declared Read<T>& cannot take the accessor its request becomes.
#include <canopy/canopy.hpp>

void child(canopy::Context&, canopy::Read<long>&) {}
void parent(canopy::Context& ctx) {
  auto v = ctx.create_region<long>(4);
  ctx.spawn(child, canopy::read(v));
}
