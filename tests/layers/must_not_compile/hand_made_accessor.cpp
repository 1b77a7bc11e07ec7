// Only the runtime makes accessors: one built by hand from a region would read it unordered.
#include <canopy/canopy.hpp>

long parent(canopy::Context& ctx) {
  auto v = ctx.create_region<long>(4);
  canopy::Read<long> by_hand(v);
  return by_hand[0];
}
