// The line protocol between canopy-bench and a runtime that runs in a process of its own (Boost.Fiber,
// which fixes its thread count once per process; LLVM's libomp, which cannot share a process with
// libgomp). The server prints "ready", then answers one line per command on stdin:
//   "run <suite> <arg>"  ->  "ok <seconds> <answer> [<key>=<value> ...]"  or  "error <message>"
//   "quit"               ->  exits
// <arg> is the input's n, or for the UTS suites the size index (0 small, 1 medium, 2 large) of the tree.
// Header-only, because the LLVM server is compiled by clang apart from the rest of canopy-bench.
#pragma once

#include <exception>
#include <iostream>
#include <sstream>
#include <string>

namespace bench {

inline constexpr const char* kSizeNames[] = {"small", "medium", "large"};

// The server's loop: `run(suite, arg)` returns the reply to one run ("ok ..." or "error ...").
template <class Run>
void serve_lines(Run&& run) {
  std::cout << "ready" << std::endl;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd, suite;
    long long arg = 0;
    in >> cmd;
    if (cmd == "quit") break;
    if (cmd != "run" || !(in >> suite >> arg)) {
      std::cout << "error bad command '" << line << "'" << std::endl;
      continue;
    }
    std::string reply;
    try {
      reply = run(suite, arg);
    } catch (const std::exception& e) {
      reply = std::string("error ") + e.what();
    }
    std::cout << reply << std::endl;
  }
}

// "ok <seconds> <answer>", with every digit of the seconds.
inline std::string ok_reply(double seconds, unsigned long long answer) {
  std::ostringstream out;
  out.precision(17);
  out << "ok " << seconds << ' ' << answer;
  return out.str();
}

}  // namespace bench
