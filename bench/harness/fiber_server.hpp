// The Boost.Fiber server: canopy-bench --serve-boost-fiber W runs W threads under Boost.Fiber's
// work_stealing algorithm and answers the commands of server_protocol.hpp (fib and park).
#pragma once

namespace bench {

int serve_boost_fiber(int workers);

}  // namespace bench
