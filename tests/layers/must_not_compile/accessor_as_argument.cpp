// An accessor passed to spawn as a plain argument would bypass privileges and ordering.
#include <canopy/canopy.hpp>

void child(canopy::Context&, canopy::Read<long>) {}
void parent(canopy::Context& ctx, canopy::Read<long> in) { ctx.spawn(child, in); }
