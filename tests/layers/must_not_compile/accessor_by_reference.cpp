// A reference to an accessor (std::ref) passed to spawn is refused like the accessor itself.
#include <canopy/canopy.hpp>

#include <functional>

void child(canopy::Context&, const canopy::ReadWrite<long>&) {}
void parent(canopy::Context& ctx, canopy::ReadWrite<long> io) { ctx.spawn(child, std::ref(io)); }
