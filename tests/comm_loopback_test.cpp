// The in-process loopback transport: what unit tests of the layers above comm/ stand on.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "canopy/errors.hpp"
#include "comm/transport.hpp"

using canopy::comm::Bytes;
using canopy::comm::Transport;

namespace {

/// Inbox counts what one rank received, per sender, and checks each message's contents.
struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<long> from;  // messages per sender
  long bad = 0;
  std::thread::id handler_thread;

  explicit Inbox(int n) : from(n, 0) {}
  bool wait_total(long n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(30), [&] { return total() >= n; });
  }
  long total() const {
    long t = 0;
    for (long f : from) t += f;
    return t;
  }
};

/// message: 4 bytes of sender rank, then `len` bytes that depend on the sender and the position.
Bytes message(int from, std::size_t len) {
  Bytes b(4 + len);
  std::memcpy(b.data(), &from, 4);
  for (std::size_t i = 0; i < len; ++i) b[4 + i] = std::byte((i * 7 + from) & 0xff);
  return b;
}

void start(Transport& t, Inbox& in) {
  t.start({[&in](int peer, std::span<const std::byte> b) {
             int claimed = -1;
             bool ok = b.size() >= 4;
             if (ok) std::memcpy(&claimed, b.data(), 4);
             ok = ok && claimed == peer;
             for (std::size_t i = 4; ok && i < b.size(); ++i) ok = b[i] == std::byte(((i - 4) * 7 + peer) & 0xff);
             std::lock_guard lock(in.mu);
             in.handler_thread = std::this_thread::get_id();
             ++in.from[peer];
             if (!ok) ++in.bad;
             in.cv.notify_all();
           },
           {}});
}

}  // namespace

TEST_CASE("loopback: ranks and sizes", "[comm]") {
  auto ts = canopy::comm::make_loopback_transports(3);
  REQUIRE(ts.size() == 3);
  for (int r = 0; r < 3; ++r) {
    CHECK(ts[r]->rank() == r);
    CHECK(ts[r]->size() == 3);
    CHECK(ts[r]->local_size() == 3);
    CHECK(ts[r]->description().find("loopback") != std::string::npos);
  }
  CHECK_THROWS_AS(canopy::comm::make_loopback_transports(0), canopy::Error);
}

TEST_CASE("loopback: every rank reaches every rank, itself included, from many threads", "[comm]") {
  constexpr int kRanks = 3, kThreads = 4, kPerThread = 500;
  auto ts = canopy::comm::make_loopback_transports(kRanks);
  std::vector<std::unique_ptr<Inbox>> inboxes;
  for (int r = 0; r < kRanks; ++r) {
    inboxes.push_back(std::make_unique<Inbox>(kRanks));
    start(*ts[r], *inboxes[r]);
  }
  std::vector<std::thread> threads;
  for (int r = 0; r < kRanks; ++r)
    for (int th = 0; th < kThreads; ++th)
      threads.emplace_back([&, r, th] {
        for (int i = 0; i < kPerThread; ++i)
          for (int peer = 0; peer < kRanks; ++peer) ts[r]->send((peer + th) % kRanks, message(r, std::size_t(i % 97)));
      });
  for (auto& th : threads) th.join();
  const long per_rank = long(kRanks) * kThreads * kPerThread;  // from every rank, every thread
  for (int r = 0; r < kRanks; ++r) {
    REQUIRE(inboxes[r]->wait_total(per_rank));
    std::lock_guard lock(inboxes[r]->mu);
    CHECK(inboxes[r]->bad == 0);
    CHECK(inboxes[r]->handler_thread != std::this_thread::get_id());
    for (int from = 0; from < kRanks; ++from) CHECK(inboxes[r]->from[from] == long(kThreads) * kPerThread);
  }
  for (auto& t : ts) t->stop();
  for (int r = 0; r < kRanks; ++r) CHECK(inboxes[r]->total() == per_rank);
}

TEST_CASE("loopback: a 16 MiB message arrives intact, to a peer and to oneself", "[comm]") {
  auto ts = canopy::comm::make_loopback_transports(2);
  Inbox in0(2), in1(2);
  start(*ts[0], in0);
  start(*ts[1], in1);
  ts[0]->send(1, message(0, 16u << 20));
  ts[1]->send(1, message(1, 16u << 20));
  REQUIRE(in1.wait_total(2));
  CHECK(in1.bad == 0);
  CHECK(in1.from[0] == 1);
  CHECK(in1.from[1] == 1);
  CHECK(in0.total() == 0);
}

TEST_CASE("loopback: stop delivers what was queued, then drops later sends", "[comm]") {
  auto ts = canopy::comm::make_loopback_transports(2);
  Inbox in1(2);
  for (int i = 0; i < 1000; ++i) ts[0]->send(1, message(0, 10));  // queued before start: kept
  start(*ts[1], in1);
  ts[1]->stop();
  CHECK(in1.total() == 1000);
  ts[0]->send(1, message(0, 10));
  ts[1]->stop();  // idempotent
  CHECK(in1.total() == 1000);
  CHECK_THROWS_AS(ts[0]->send(2, Bytes{}), canopy::Error);
}

TEST_CASE("loopback: a rank destroyed first does not break its peers", "[comm]") {
  auto ts = canopy::comm::make_loopback_transports(2);
  Inbox in0(2);
  start(*ts[0], in0);
  ts[1].reset();
  ts[0]->send(1, message(0, 8));  // to a rank that is gone: dropped
  ts[0]->send(0, message(0, 8));
  REQUIRE(in0.wait_total(1));
  ts[0].reset();
}
