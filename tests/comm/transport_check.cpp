// transport_check SCENARIO: runs one check of the launched transport (UCX over PMIx) under mpirun.
//   alltoall  every rank sends many messages of many sizes to every rank (itself too) from 4 threads
//   large     an 8 MiB message (rendezvous) to the next rank and to itself, checked byte by byte
//   pingpong  rank 0 and rank 1 bounce 8-byte messages; prints the median round trip
//   failure   rank 1 SIGKILLs itself after a handshake; the others must see it within 10 s
//   mismatch  run as `-np 1 transport_check : -np 1 transport_check_twin`: opening must fail everywhere
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "canopy/errors.hpp"
#include "comm/transport.hpp"

#ifndef CANOPY_TWIN
#define CANOPY_TWIN 0
#endif

using canopy::comm::Bytes;
using canopy::comm::Transport;
using Clock = std::chrono::steady_clock;

namespace {

// The twin executable must differ in its bytes, so that the linker gives it another build id.
const char* const kBuildName = CANOPY_TWIN ? "transport_check (twin build)" : "transport_check";

/// Checker collects what the handlers see and lets main() wait for it.
struct Checker {
  std::mutex mu;
  std::condition_variable cv;
  long received = 0;
  std::vector<std::string> errors;
  std::map<int, std::string> failed;  // peer -> why
  std::set<int> met;                  // peers whose message with sequence number 1 arrived

  void error(std::string what) {
    std::lock_guard lock(mu);
    errors.push_back(std::move(what));
    cv.notify_all();
  }
  template <class Pred>
  bool wait(Pred done, int seconds = 60) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(seconds), [&] { return done() || !errors.empty(); }) && errors.empty();
  }
};

/// pattern is the byte `i` of a message from `from` with sequence number `seq`.
std::byte pattern(int from, long seq, std::size_t i) { return std::byte((i * 131 + from * 7 + seq * 13) & 0xff); }

/// make_message: 16 bytes of header (from, seq) then `len` pattern bytes.
Bytes make_message(int from, long seq, std::size_t len) {
  Bytes b(16 + len);
  std::int64_t h[2] = {from, seq};
  std::memcpy(b.data(), h, 16);
  for (std::size_t i = 0; i < len; ++i) b[16 + i] = pattern(from, seq, i);
  return b;
}

/// check_message returns what is wrong with a message that claims to come from `peer`, or "".
std::string check_message(int peer, std::span<const std::byte> b) {
  if (b.size() < 16) return "short message (" + std::to_string(b.size()) + " bytes) from rank " + std::to_string(peer);
  std::int64_t h[2];
  std::memcpy(h, b.data(), 16);
  if (h[0] != peer) return "message from rank " + std::to_string(peer) + " says it is from " + std::to_string(h[0]);
  for (std::size_t i = 16; i < b.size(); ++i)
    if (b[i] != pattern(peer, h[1], i - 16))
      return "byte " + std::to_string(i) + " of message " + std::to_string(h[1]) + " from rank " + std::to_string(peer) + " is wrong";
  return "";
}

/// start_checking installs handlers that verify every message and record failures.
void start_checking(Transport& t, Checker& c) {
  t.start({[&c](int peer, std::span<const std::byte> b) {
             std::string bad = check_message(peer, b);
             if (!bad.empty()) return c.error(bad);
             std::int64_t seq;
             std::memcpy(&seq, b.data() + 8, 8);
             std::lock_guard lock(c.mu);
             if (seq == 1) c.met.insert(peer);
             ++c.received;
             c.cv.notify_all();
           },
           [&c](int peer, const std::string& why) {
             std::lock_guard lock(c.mu);
             if (c.met.count(peer)) return;  // it met us, then exited: not a failure
             c.failed.emplace(peer, why);
             c.cv.notify_all();
           }});
}

int report(Transport& t, Checker& c, const char* scenario) {
  t.stop();
  for (const std::string& e : c.errors) std::printf("rank %d: FAILED: %s\n", t.rank(), e.c_str());
  for (auto& [peer, why] : c.failed) std::printf("rank %d: FAILED: rank %d failed: %s\n", t.rank(), peer, why.c_str());
  bool ok = c.errors.empty() && c.failed.empty();
  std::printf("rank %d/%d: %s %s (%s)\n", t.rank(), t.size(), scenario, ok ? "ok" : "FAILED", t.description().c_str());
  return ok ? 0 : 1;
}

int alltoall(Transport& t) {
  Checker c;
  start_checking(t, c);
  constexpr int kThreads = 4, kPerThread = 250;
  const std::size_t sizes[] = {0, 1, 8, 100, 1000, 4096, 10000, 65536};
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th)
    threads.emplace_back([&, th] {
      for (int i = 0; i < kPerThread; ++i)
        for (int peer = 0; peer < t.size(); ++peer) {
          long seq = th * kPerThread + i;
          t.send(peer, make_message(t.rank(), seq, sizes[(seq + peer) % std::size(sizes)]));
        }
    });
  for (auto& th : threads) th.join();
  long expected = long(kThreads) * kPerThread * t.size();
  if (!c.wait([&] { return c.received >= expected; }))
    c.error("received " + std::to_string(c.received) + " of " + std::to_string(expected) + " messages");
  return report(t, c, "alltoall");
}

int large(Transport& t) {
  Checker c;
  start_checking(t, c);
  constexpr std::size_t kSize = 8u << 20;
  t.send((t.rank() + 1) % t.size(), make_message(t.rank(), 1, kSize));
  t.send(t.rank(), make_message(t.rank(), 2, kSize));
  long expected = 2;  // from the previous rank (or oneself) and from oneself
  if (!c.wait([&] { return c.received >= expected; }))
    c.error("received " + std::to_string(c.received) + " of " + std::to_string(expected) + " 8 MiB messages");
  return report(t, c, "large");
}

int pingpong(Transport& t) {
  // The main thread sleeps on a condition variable while it waits, as an idle runtime worker would.
  std::mutex mu;
  std::condition_variable cv;
  long got = 0;
  std::vector<int> failed;
  t.start({[&](int, std::span<const std::byte>) {
             std::lock_guard lock(mu);
             ++got;
             cv.notify_one();
           },
           [&](int peer, const std::string&) {
             std::lock_guard lock(mu);
             failed.push_back(peer);
           }});
  constexpr long kIters = 20000, kWarmup = 1000;
  bool timed_out = false;
  if (t.rank() < 2 && t.size() >= 2) {
    int other = 1 - t.rank();
    std::vector<double> rtt;
    rtt.reserve(kIters);
    for (long i = 0; i < kIters + kWarmup && !timed_out; ++i) {
      auto t0 = Clock::now();
      if (t.rank() == 0) t.send(other, Bytes(8));
      {
        std::unique_lock lock(mu);
        timed_out = !cv.wait_for(lock, std::chrono::seconds(30), [&] { return got > i; });
      }
      if (t.rank() == 1) t.send(other, Bytes(8));
      if (i >= kWarmup) rtt.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    }
    if (t.rank() == 0 && !rtt.empty()) {
      std::nth_element(rtt.begin(), rtt.begin() + rtt.size() / 2, rtt.end());
      std::printf("pingpong: 8 B round trip, median %.2f us over %zu iterations (%s)\n", rtt[rtt.size() / 2],
                  rtt.size(), t.description().c_str());
    }
    if (timed_out) std::printf("rank %d: FAILED: ping-pong timed out\n", t.rank());
  }
  t.stop();
  bool ok = failed.empty() && !timed_out;
  std::printf("rank %d/%d: pingpong %s\n", t.rank(), t.size(), ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}

int failure(Transport& t) {
  Checker c;
  start_checking(t, c);
  for (int peer = 0; peer < t.size(); ++peer) t.send(peer, make_message(t.rank(), 0, 8));  // handshake
  if (!c.wait([&] { return c.received >= t.size(); })) return report(t, c, "failure (handshake)");
  // Rank 1 dies only once every rank has its hello: an eager send that completed may not have left yet.
  for (int peer = 0; peer < t.size(); ++peer) t.send(peer, make_message(t.rank(), 2, 8));
  if (t.rank() == 1 && !c.wait([&] { return c.received >= 2 * t.size(); })) return report(t, c, "failure (acks)");
  if (t.rank() == 1) {
    std::fflush(stdout);
    std::raise(SIGKILL);
  }
  auto t0 = Clock::now();
  bool seen = c.wait([&] { return c.failed.count(1) > 0; }, 15);
  double s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::string why, others;
  {
    std::lock_guard lock(c.mu);
    if (seen) why = c.failed[1];
    for (auto& [peer, w] : c.failed)
      if (peer != 1 && !c.met.count(peer)) others += " rank " + std::to_string(peer) + " (" + w + ")";
  }
  std::printf("rank %d: %s rank 1 fail after %.2f s: %s\n", t.rank(), seen ? "saw" : "did NOT see", s, why.c_str());
  // The survivors meet before stopping: stop() is not collective once a rank died, so a survivor that
  // met everyone may exit while another is still reading its last message, and look failed to it.
  const std::size_t all_met = t.size() - 1;
  for (int peer = 0; peer < t.size(); ++peer)
    if (peer != 1) t.send(peer, make_message(t.rank(), 1, 8));
  bool met = c.wait([&] { return c.met.size() >= all_met; });
  {
    std::lock_guard lock(c.mu);
    others.clear();
    for (auto& [peer, w] : c.failed)
      if (peer != 1 && !c.met.count(peer)) others += " rank " + std::to_string(peer) + " (" + w + ")";
  }
  t.stop();
  bool ok = seen && s < 10.0 && met && others.empty() && c.errors.empty();
  if (!others.empty()) std::printf("rank %d: FAILED: live ranks reported as failed:%s\n", t.rank(), others.c_str());
  if (!met) std::printf("rank %d: FAILED: the survivors did not all meet after the failure\n", t.rank());
  for (const std::string& e : c.errors) std::printf("rank %d: FAILED: %s\n", t.rank(), e.c_str());
  std::printf("rank %d/%d: failure %s (%s)\n", t.rank(), t.size(), ok ? "ok" : "FAILED", t.description().c_str());
  return ok ? 0 : 1;
}

int mismatch() {
  const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
  try {
    auto t = canopy::comm::open_launched_transport();
    std::printf("rank %s (%s): FAILED: the transport opened although the ranks run different binaries\n", rank, kBuildName);
    return 1;
  } catch (const canopy::Error& e) {
    bool ok = std::strstr(e.what(), "runs a different binary") && std::strstr(e.what(), "every rank must run the same executable");
    std::printf("rank %s (%s): %s: %s\n", rank, kBuildName, ok ? "refused as expected" : "FAILED, wrong error", e.what());
    return ok ? 0 : 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string scenario = argc > 1 ? argv[1] : "";
  if (scenario == "mismatch") return mismatch();
  canopy::comm::LaunchInfo info = canopy::comm::launch_info();
  if (!info.launched) {
    std::fprintf(stderr, "transport_check: not started by a launcher (run it under mpirun)\n");
    return 2;
  }
  try {
    auto t = canopy::comm::open_launched_transport();
    if (t->size() != info.size) {
      std::printf("rank %d: FAILED: PMIx says %d ranks, the environment %d\n", t->rank(), t->size(), info.size);
      return 1;
    }
    if (scenario == "alltoall") return alltoall(*t);
    if (scenario == "large") return large(*t);
    if (scenario == "pingpong") return pingpong(*t);
    if (scenario == "failure") return failure(*t);
    std::fprintf(stderr, "usage: transport_check alltoall|large|pingpong|failure|mismatch\n");
    return 2;
  } catch (const canopy::Error& e) {
    std::printf("FAILED: %s\n", e.what());
    return 1;
  }
}
