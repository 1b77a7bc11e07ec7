// The Boost.Fiber server: canopy-bench --serve-boost-fiber W runs W threads under Boost.Fiber's
// work_stealing algorithm and answers one line per command on stdin:
//   "run <suite> <n>"  ->  "ok <seconds> <answer> [<key>=<value> ...]"  or  "error <message>"
//   "quit"             ->  exits
// It prints "ready" once the W schedulers are installed.
#pragma once

namespace bench {

int serve_boost_fiber(int workers);

}  // namespace bench
