#pragma once
// Canopy: a hierarchical task runtime. This one header is the whole public API.
//
//   canopy::Runtime rt(argc, argv);
//   long r = rt.run([](canopy::Context& ctx) { auto f = ctx.spawn(work, 42); return f.get(); });
#include "canopy/accessor.hpp"
#include "canopy/blocking.hpp"
#include "canopy/config.hpp"
#include "canopy/context.hpp"
#include "canopy/errors.hpp"
#include "canopy/future.hpp"
#include "canopy/gpu.hpp"
#include "canopy/info.hpp"
#include "canopy/placement.hpp"
#include "canopy/privilege.hpp"
#include "canopy/rect.hpp"
#include "canopy/region.hpp"
#include "canopy/runtime.hpp"
#include "canopy/spawn.hpp"
#include "canopy/system_info.hpp"
#include "canopy/version.hpp"
#include "canopy/witness.hpp"
