#pragma once
// Task functions that the remote tests send between ranks: plain functions, so that they travel.
#include <canopy/canopy.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace canopy_test_remote {

inline int rank_of_task(canopy::Context& ctx) {
  if (ctx.info().rank != ctx.rank()) throw std::logic_error("info().rank disagrees with rank()");
  return ctx.rank();
}

/// ping_pong_fib(n): fib(n-1) on the next rank, fib(n-2) here.
inline long ping_pong_fib(canopy::Context& ctx, int n) {
  if (n < 2) return n;
  auto a = ctx.spawn(canopy::on_rank((ctx.rank() + 1) % ctx.ranks()), ping_pong_fib, n - 1);
  long b = ctx.spawn(ping_pong_fib, n - 2).get();
  return a.get() + b;
}

inline std::vector<std::string> label_each(canopy::Context& ctx, std::string prefix, std::vector<int> xs) {
  std::vector<std::string> out;
  for (int x : xs) out.push_back(prefix + "-" + std::to_string(x) + "@" + std::to_string(ctx.rank()));
  return out;
}

inline long slow_value(canopy::Context&, long v) {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return v;
}

inline long add_one_to(canopy::Context&, canopy::Future<long> f) { return f.get() + 1; }

/// bounce_to_rank0 sends the future it got back to rank 0, which owns it.
inline long bounce_to_rank0(canopy::Context& ctx, canopy::Future<long> f) {
  return ctx.spawn(canopy::on_rank(0), add_one_to, std::move(f)).get();
}

inline int throw_on_rank(canopy::Context&, int x) { throw std::invalid_argument("bad input " + std::to_string(x)); }

inline int throw_from_rank2(canopy::Context& ctx, int x) { return ctx.spawn(canopy::on_rank(2), throw_on_rank, x).get(); }

/// throw_from_next has its child throw on the next rank (rank 0 in a job of 2 ranks).
inline int throw_from_next(canopy::Context& ctx, int x) {
  return ctx.spawn(canopy::on_rank((ctx.rank() + 1) % ctx.ranks()), throw_on_rank, x).get();
}

inline long square(canopy::Context&, long x) { return x * x; }

}  // namespace canopy_test_remote
