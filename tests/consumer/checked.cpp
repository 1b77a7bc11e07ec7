// Linked against canopy::canopy_checked: the library records the race witness and accessors check their
// bounds, though this program's own build sets no CANOPY_CHECKED flag.
#include <canopy/canopy.hpp>

#include <cstdio>
#include <cstring>

int main() {
  canopy::Config cfg;
  cfg.workers = 2;
  canopy::Runtime rt(cfg);
  std::printf("canopy consumer (checked): witness %s\n", canopy::witness_enabled() ? "on" : "off");
  try {
    rt.run([](canopy::Context& ctx) {
      auto v = ctx.create_region<long>(4);
      ctx.access(canopy::write(v))[4] = 1;  // one past the end
    });
  } catch (const canopy::Error& e) {
    std::printf("canopy consumer (checked): %s\n", e.what());
    return std::strstr(e.what(), "out-of-bounds access") && canopy::witness_enabled() ? 0 : 1;
  }
  std::printf("canopy consumer (checked): the access past the end was not caught\n");
  return 1;
}
