// Canopy Cholesky: the matrix is one 2-D region; its lower tiles are the pieces of a user partition
// (disjoint boxes), and every task asks for read or read_write on the tiles it touches, so that the
// runtime derives the DAG from the program order of the spawns, as OpenMP's depend clauses and
// StarPU's access modes do for the peers.
//
// The hierarchy: a GEMM, SYRK or TRSM task whose tile is larger than `leaf` splits it and spawns its
// pieces as children, on sub-regions of the tiles it received (row strips of the A operands made with
// partition_equal, sub-tiles of the C operand made with partition). The children are ordered by the
// task's own analyzer; the task ends when they have. This gives the tail of the factorisation, where
// few tiles are ready, more parallelism at the same top-level tile size.
#include <cstring>
#include <stdexcept>
#include <string>

#include <canopy/canopy.hpp>

#include "cholesky/cholesky.hpp"
#include "cholesky/kernels.hpp"
#include "spawn_deps/deps.hpp"

namespace bench::chol {
namespace {

using Matrix = canopy::Region<double, 2>;
using Box = canopy::Rect<2>;

template <class Acc>
auto* origin(const Acc& a) {
  const Box b = a.bounds();
  return &a(b.lo[0], b.lo[1]);
}
template <class Acc>
long rows(const Acc& a) {
  return static_cast<long>(a.bounds().hi[0] - a.bounds().lo[0]);
}
template <class Acc>
long cols(const Acc& a) {
  return static_cast<long>(a.bounds().hi[1] - a.bounds().lo[1]);
}
// Pieces of a region cut along the rows into `count` strips, as handles.
std::vector<Matrix> strips(const Matrix& r, long count) {
  auto p = r.partition_equal(static_cast<std::size_t>(count));
  std::vector<Matrix> out;
  for (std::size_t i = 0; i < p.size(); ++i) out.push_back(p[i]);
  return out;
}
long pieces_of(long extent, long leaf) { return (extent + leaf - 1) / leaf; }

void potrf_task(canopy::Context&, canopy::ReadWrite<double, 2> a, long ld) {
  if (!potrf(origin(a), ld, rows(a)))
    throw std::runtime_error("canopy: tile at row " + std::to_string(a.bounds().lo[0]) + " is not positive definite");
}

// x := x L^-T; rows of x are independent, so a large x is cut into row strips.
void trsm_task(canopy::Context& ctx, canopy::Read<double, 2> l, canopy::ReadWrite<double, 2> x, long ld, long leaf) {
  if (rows(x) > leaf) {
    for (const Matrix& s : strips(x.region(), pieces_of(rows(x), leaf)))
      ctx.spawn(trsm_task, canopy::read(l.region()), canopy::read_write(s), ld, leaf);
    return;  // the children finish before this task does
  }
  trsm(origin(l), ld, origin(x), ld, rows(x), cols(x));
}

// c -= a b^T. Split: c's sub-tile (p, q) -= (row strip p of a) (row strip q of b)^T; c's columns are
// b's rows (global indices), so the sub-tile boxes follow from the strips.
void gemm_task(canopy::Context& ctx, canopy::Read<double, 2> a, canopy::Read<double, 2> b,
               canopy::ReadWrite<double, 2> c, long ld, long leaf) {
  if (rows(c) > leaf || cols(c) > leaf) {
    auto as = strips(a.region(), pieces_of(rows(c), leaf));
    auto bs = strips(b.region(), pieces_of(cols(c), leaf));
    std::vector<Box> boxes;
    for (const Matrix& ap : as)
      for (const Matrix& bq : bs) boxes.push_back(Box{{ap.bounds().lo[0], bq.bounds().lo[0]}, {ap.bounds().hi[0], bq.bounds().hi[0]}});
    auto cp = c.region().partition(boxes);
    for (std::size_t p = 0; p < as.size(); ++p)
      for (std::size_t q = 0; q < bs.size(); ++q)
        ctx.spawn(gemm_task, canopy::read(as[p]), canopy::read(bs[q]), canopy::read_write(cp[p * bs.size() + q]), ld,
                  leaf);
    return;
  }
  gemm(origin(a), ld, origin(b), ld, origin(c), ld, rows(c), cols(c), cols(a));
}

// c -= a a^T on c's lower triangle. Split: diagonal sub-tiles are SYRKs, those below are GEMMs.
void syrk_task(canopy::Context& ctx, canopy::Read<double, 2> a, canopy::ReadWrite<double, 2> c, long ld, long leaf) {
  if (rows(c) > leaf) {
    auto as = strips(a.region(), pieces_of(rows(c), leaf));
    std::vector<Box> boxes;
    for (std::size_t p = 0; p < as.size(); ++p)
      for (std::size_t q = 0; q <= p; ++q)
        boxes.push_back(Box{{as[p].bounds().lo[0], as[q].bounds().lo[0]}, {as[p].bounds().hi[0], as[q].bounds().hi[0]}});
    auto cp = c.region().partition(boxes);
    std::size_t k = 0;
    for (std::size_t p = 0; p < as.size(); ++p)
      for (std::size_t q = 0; q <= p; ++q, ++k) {
        if (p == q) ctx.spawn(syrk_task, canopy::read(as[p]), canopy::read_write(cp[k]), ld, leaf);
        else ctx.spawn(gemm_task, canopy::read(as[p]), canopy::read(as[q]), canopy::read_write(cp[k]), ld, leaf);
      }
    return;
  }
  syrk(origin(a), ld, origin(c), ld, rows(c), cols(a));
}

double cholesky_top(canopy::Context& ctx, double* data, long n, long b, long leaf) {
  Matrix m = ctx.create_region<double, 2>({static_cast<std::size_t>(n), static_cast<std::size_t>(n)});
  {
    canopy::ReadWrite<double, 2> all = ctx.access(canopy::read_write(m));
    std::memcpy(all.data(), data, sizeof(double) * static_cast<std::size_t>(n * n));
  }
  // The lower tiles, as pieces of one disjoint partition; handles made before the clock starts.
  const long nt = n / b;
  std::vector<Box> boxes;
  for (long i = 0; i < nt; ++i)
    for (long j = 0; j <= i; ++j) boxes.push_back(Box{{i * b, j * b}, {(i + 1) * b, (j + 1) * b}});
  auto part = m.partition(boxes);
  if (!part.disjoint()) throw std::logic_error("cholesky: the tile partition should be disjoint");
  std::vector<Matrix> tiles;
  for (std::size_t i = 0; i < part.size(); ++i) tiles.push_back(part[i]);
  auto tile = [&](long i, long j) -> const Matrix& { return tiles[static_cast<std::size_t>(i * (i + 1) / 2 + j)]; };

  const auto t0 = deps::Clock::now();
  for (long k = 0; k < nt; ++k) {
    ctx.spawn(potrf_task, canopy::read_write(tile(k, k)), n);
    for (long i = k + 1; i < nt; ++i)
      ctx.spawn(trsm_task, canopy::read(tile(k, k)), canopy::read_write(tile(i, k)), n, leaf);
    for (long i = k + 1; i < nt; ++i) {
      ctx.spawn(syrk_task, canopy::read(tile(i, k)), canopy::read_write(tile(i, i)), n, leaf);
      for (long j = k + 1; j < i; ++j)
        ctx.spawn(gemm_task, canopy::read(tile(i, k)), canopy::read(tile(j, k)), canopy::read_write(tile(i, j)), n,
                  leaf);
    }
  }
  ctx.wait_all();
  const double seconds = deps::seconds_since(t0);

  canopy::Read<double, 2> all = ctx.access(canopy::read(m));
  std::memcpy(data, all.data(), sizeof(double) * static_cast<std::size_t>(n * n));
  return seconds;
}

}  // namespace

double time_canopy(canopy::Runtime& rt, double* a, long n, long b, long leaf) {
  return rt.run(cholesky_top, a, n, b, leaf);
}

}  // namespace bench::chol
