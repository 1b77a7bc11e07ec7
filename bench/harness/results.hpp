// What a benchmark run collects, and the summaries the table and the JSON file are made of.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/suite.hpp"

#pragma once

namespace bench {

struct RuntimeResult {
  RuntimeId runtime;
  std::vector<Sample> samples;  // timed runs only, in run order
  std::string error;            // non-empty: a wrong answer or an exception; no more runs
  std::string skipped;          // non-empty: not run on this input, and why
};

// One table: a suite on one input with one worker count, every participating runtime.
struct Block {
  SuiteId suite;
  Input input;
  int workers = 1;
  Reference ref;
  std::vector<RuntimeResult> results;
};

struct Summary {
  double median = 0, min = 0, max = 0;  // seconds
  bool valid = false;
};
Summary summarize(const std::vector<Sample>& samples);
// The median of a named extra figure (park: spin_seconds, stolen, parked).
double median_extra(const std::vector<Sample>& samples, const std::string& key);

// Prints one block as a table; `one_worker` holds the 1-worker medians seen so far, keyed by
// "suite|input|runtime", for the speedup column.
void print_block(const Block& b, const std::map<std::string, double>& one_worker);
std::string speedup_key(const Block& b, RuntimeId r);

struct RunInfo {
  std::string size;
  int repeat = 0;
  unsigned hardware_concurrency = 0;
  bool canopy_built = false;
  std::string command_line;
  std::vector<std::string> argv;
  std::string started_at, finished_at;  // local time, ISO 8601 with the UTC offset
  std::string machine_json;             // canopy::to_json(canopy::system_info(...)); empty: unknown
  std::string machine_error;            // why machine_json is empty
};
// Writes every sample and every summary; returns false (and says why on stderr) on an I/O error.
bool write_json(const std::string& path, const RunInfo& info, const std::vector<Block>& blocks);

}  // namespace bench
