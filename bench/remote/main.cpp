// canopy-bench-remote: what a remote spawn costs, under `mpirun -np 2`, to compare with
// canopy-bench-ucx-raw on the same transport (bench/remote/run.sh runs both): (a) the round trip of a
// spawn of an empty task on rank 1 and its get(), median of many; (b) a stream of 100 000 empty remote
// tasks with many in flight (windows of futures), as a rate.
#include <canopy/canopy.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRoundTrips = 20000, kWarmup = 2000;
constexpr int kStream = 100000, kWindow = 1024;

void empty(canopy::Context&) {}

double round_trip_us(canopy::Context& ctx) {
  std::vector<double> us;
  us.reserve(kRoundTrips);
  for (int i = 0; i < kRoundTrips + kWarmup; ++i) {
    auto t0 = Clock::now();
    ctx.spawn(canopy::on_rank(1), empty).get();
    if (i >= kWarmup) us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  std::nth_element(us.begin(), us.begin() + us.size() / 2, us.end());
  return us[us.size() / 2];
}

double stream_mps(canopy::Context& ctx) {
  auto t0 = Clock::now();
  std::vector<canopy::Future<void>> window;
  window.reserve(kWindow);
  for (int sent = 0; sent < kStream;) {
    for (; sent < kStream && window.size() < kWindow; ++sent) window.push_back(ctx.spawn(canopy::on_rank(1), empty));
    for (auto& f : window) f.get();
    window.clear();
  }
  return kStream / std::chrono::duration<double>(Clock::now() - t0).count() / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  canopy::Runtime rt(argc, argv);
  if (rt.ranks() != 2) {
    std::fprintf(stderr, "canopy-bench-remote: run me with mpirun -np 2 (this job has %d rank(s))\n", rt.ranks());
    return 2;
  }
  const char* tls = std::getenv("UCX_TLS");
  rt.run([&](canopy::Context& ctx) {
    double rtt = round_trip_us(ctx);
    double rate = stream_mps(ctx);
    std::printf("canopy remote spawn+get of an empty task: median round trip %.2f us over %d (UCX_TLS=%s; %s; %d worker(s) per rank)\n",
                rtt, kRoundTrips, tls ? tls : "(unset)", rt.transport().c_str(), rt.workers());
    std::printf("canopy remote stream of %d empty tasks, windows of %d: %.3f M tasks/s\n", kStream, kWindow, rate);
  });
  return 0;
}
