#pragma once
// CANOPY_EXPORT marks the few entry points of libcanopy that headers call; everything else is hidden.
#if defined(CANOPY_BUILDING_LIBRARY)
#define CANOPY_EXPORT __attribute__((visibility("default")))
#else
#define CANOPY_EXPORT
#endif
