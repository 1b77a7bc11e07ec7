// The panels of --plot, each appending gnuplot data blocks and commands to a multiplot that plot.cpp
// assembles: speedup against workers (one panel per suite and input) and efficiency against task
// granularity (one panel per METG sweep pattern, both kernels in it). Each panel sets its own axes.
#pragma once

#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "harness/results.hpp"

namespace bench::plot {

// Appends the speedup panels (all blocks but park and the sweeps); returns how many.
int speedup_panels(const std::vector<Block>& blocks, std::ostream& data, std::ostream& plots);
// Appends the METG panels; returns how many.
int metg_panels(const std::vector<Block>& blocks, std::ostream& data, std::ostream& plots);

// A gnuplot string literal: single quotes, a quote doubled.
inline std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    if (c == '\n' || c == '\r') {
      out += ' ';
      continue;
    }
    out += c;
  }
  return out + "'";
}

inline std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// One colour and point type per runtime, the same in every panel.
inline const char* colour_of(RuntimeId r) {
  switch (r) {
    case RuntimeId::canopy: return "#d62728";
    case RuntimeId::canopy_hier: return "#ff7f0e";
    case RuntimeId::tbb: return "#1f77b4";
    case RuntimeId::omp: return "#2ca02c";
    case RuntimeId::llvm_omp: return "#17becf";
    case RuntimeId::starpu: return "#8c564b";
    case RuntimeId::boost_fiber: return "#9467bd";
    case RuntimeId::serial: return "#444444";
  }
  return "#000000";
}

inline int point_type_of(RuntimeId r) {
  switch (r) {
    case RuntimeId::canopy: return 7;        // filled circle
    case RuntimeId::canopy_hier: return 6;   // open circle
    case RuntimeId::tbb: return 5;           // filled square
    case RuntimeId::omp: return 9;           // filled triangle
    case RuntimeId::llvm_omp: return 8;      // open triangle
    case RuntimeId::starpu: return 4;        // open square
    case RuntimeId::boost_fiber: return 13;  // filled diamond
    case RuntimeId::serial: return 1;
  }
  return 1;
}

}  // namespace bench::plot
