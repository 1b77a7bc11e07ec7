// --plot FILE.png: speedup against worker count, one panel per suite, one line per runtime, drawn by
// gnuplot (found on PATH at run time) from the samples of this run.
#pragma once

#include <string>
#include <vector>

#include "harness/results.hpp"

namespace bench {

// The gnuplot executable: $CANOPY_BENCH_GNUPLOT if set, else the first `gnuplot` on PATH; empty when
// there is none.
std::string find_gnuplot();

// Draws the PNG. Returns false, and says why on stderr, when gnuplot is missing or fails.
bool write_plot(const std::string& png_path, const RunInfo& info, const std::vector<Block>& blocks);

}  // namespace bench
