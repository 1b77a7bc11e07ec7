// The StarPU session where canopy-bench was built without StarPU (no pkg-config starpu-1.3).
#include <stdexcept>

#include "cholesky/cholesky.hpp"

namespace bench::chol {

bool have_starpu() { return false; }
StarpuSession::StarpuSession(int) { throw std::runtime_error("built without StarPU (pkg-config starpu-1.3)"); }
StarpuSession::~StarpuSession() = default;
double StarpuSession::time(double*, long, long) { return 0; }
std::string StarpuSession::describe() const { return ""; }

}  // namespace bench::chol
