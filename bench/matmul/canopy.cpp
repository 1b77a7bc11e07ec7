// Canopy matrix multiply: ctx.spawn of one half per row or column split, with plain pointers into the
// caller's std::vector<double> storage as arguments (the block descriptor is trivially copyable); the
// parent runs the other half and waits on the child's future. Inner-dimension halves run in order.
#include "harness/canopy_kernels.hpp"
#include "matmul/matmul.hpp"

namespace bench {
namespace {

using namespace matmul;

void rec(canopy::Context& ctx, Block x) {
  const Split s = split_of(x);
  if (s == Split::none) return leaf(x);
  if (s == Split::inner) {
    rec(ctx, first_half(x, s));
    rec(ctx, second_half(x, s));
    return;
  }
  auto child = ctx.spawn(rec, first_half(x, s));
  rec(ctx, second_half(x, s));
  child.get();
}

}  // namespace

void matmul_canopy(canopy::Runtime& rt, const double* a, const double* b, double* c, int n) {
  rt.run(rec, Block{a, b, c, n, n, n, n});
}

}  // namespace bench
