// comm/message: each kind round-trips through encode/decode, and decode refuses a truncated, corrupted
// or padded message with a ProtocolError that says what is wrong (decode reads bytes off the network).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "comm/message.hpp"

using namespace canopy::comm;

namespace {

const std::vector<std::byte> kArgs{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}, std::byte{5}, std::byte{6},
                                   std::byte{7}, std::byte{8}, std::byte{9}, std::byte{10}, std::byte{11}, std::byte{12}};

// One message of each kind, with every field set to something other than its default.
std::vector<Message> samples() {
  return {SpawnMsg{7, 3, {0x11, 0x22}, {0x33, 0x44}, kArgs},
          SpawnMsg{1, 0, {}, {}, {}},
          ResultMsg{9, kArgs},
          ResultMsg{10, {}},
          FailureMsg{5, {"std::runtime_error", "boom", "fib", 2}},
          FailureMsg{6, {"", "", "", -1}},
          FetchMsg{12, 13, {0x55, 0x66}},
          ReleaseMsg{14},
          RunEndMsg{15}};
}

bool same(std::span<const std::byte> a, std::span<const std::byte> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

bool same(const Message& a, const Message& b) {
  if (a.index() != b.index()) return false;
  if (auto* x = std::get_if<SpawnMsg>(&a)) {
    auto& y = std::get<SpawnMsg>(b);
    return x->task == y.task && x->depth == y.depth && x->entry == y.entry && x->function == y.function &&
           same(x->args, y.args);
  }
  if (auto* x = std::get_if<ResultMsg>(&a)) {
    auto& y = std::get<ResultMsg>(b);
    return x->target == y.target && same(x->value, y.value);
  }
  if (auto* x = std::get_if<FailureMsg>(&a)) {
    auto& y = std::get<FailureMsg>(b);
    return x->target == y.target && x->failure.type == y.failure.type && x->failure.what == y.failure.what &&
           x->failure.task_name == y.failure.task_name && x->failure.rank == y.failure.rank;
  }
  if (auto* x = std::get_if<FetchMsg>(&a)) {
    auto& y = std::get<FetchMsg>(b);
    return x->future == y.future && x->request == y.request && x->encoder == y.encoder;
  }
  if (auto* x = std::get_if<ReleaseMsg>(&a)) return x->future == std::get<ReleaseMsg>(b).future;
  return std::get<RunEndMsg>(a).run == std::get<RunEndMsg>(b).run;
}

template <class T>
void put(Bytes& b, std::size_t at, T v) {
  std::memcpy(b.data() + at, &v, sizeof v);
}

constexpr std::size_t kHeader = 12;

}  // namespace

TEST_CASE("every message kind round-trips through encode and decode", "[unit]") {
  for (const Message& m : samples()) {
    INFO(kind_name(m));
    Bytes bytes = encode(m);
    Message back = decode(bytes);
    CHECK(same(m, back));
    CHECK(kind_name(back) == std::string(kind_name(m)));
  }
}

TEST_CASE("the header is magic, version, kind, reserved and body length", "[unit]") {
  Bytes bytes = encode(ReleaseMsg{1});
  REQUIRE(bytes.size() == kHeader + 8);
  CHECK(std::string(reinterpret_cast<const char*>(bytes.data()), 4) == "CNPY");
  CHECK(bytes[4] == std::byte{1});  // version
  CHECK(bytes[5] == std::byte{5});  // kind: release is the fifth
  CHECK((bytes[6] == std::byte{0} && bytes[7] == std::byte{0}));
  std::uint32_t length = 0;
  std::memcpy(&length, bytes.data() + 8, 4);
  CHECK(length == 8);
}

TEST_CASE("decode refuses every truncation of every kind", "[unit]") {
  for (const Message& m : samples()) {
    Bytes bytes = encode(m);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      INFO(kind_name(m) << " cut to " << n << " of " << bytes.size() << " bytes");
      CHECK_THROWS_AS(decode(std::span(bytes).first(n)), ProtocolError);
    }
  }
  REQUIRE_THROWS_WITH(decode(Bytes(5)), "message of 5 bytes is shorter than the 12-byte header");
}

TEST_CASE("decode refuses a corrupted header and says which field is wrong", "[unit]") {
  Bytes good = encode(RunEndMsg{3});
  Bytes b = good;
  b[0] = std::byte{'X'};
  REQUIRE_THROWS_WITH(decode(b), Catch::StartsWith("not a Canopy message: magic 0x"));
  b = good;
  b[4] = std::byte{2};
  REQUIRE_THROWS_WITH(decode(b), "message version 2, this build speaks version 1");
  b = good;
  b[5] = std::byte{0};
  REQUIRE_THROWS_WITH(decode(b), "unknown message kind 0");
  b[5] = std::byte{7};
  REQUIRE_THROWS_WITH(decode(b), "unknown message kind 7");
  b = good;
  b[7] = std::byte{1};
  REQUIRE_THROWS_WITH(decode(b), "run-end message: reserved header field is 256, not 0");
  b = good;
  put<std::uint32_t>(b, 8, 9);
  REQUIRE_THROWS_WITH(decode(b), "run-end message: header says 9 body bytes, 8 arrived");
  b = good;
  b.push_back(std::byte{0});
  REQUIRE_THROWS_WITH(decode(b), "run-end message: header says 8 body bytes, 9 arrived");
}

TEST_CASE("decode refuses inner lengths past the end and bytes left over", "[unit]") {
  Bytes spawn = encode(SpawnMsg{7, 3, {1, 2}, {3, 4}, kArgs});
  const std::size_t args_length_at = kHeader + 8 + 4 + 16 + 16;
  put<std::uint32_t>(spawn, args_length_at, 4000);
  REQUIRE_THROWS_WITH(decode(spawn), "spawn message: args length 4000 exceeds the 12 bytes left");

  Bytes failure = encode(FailureMsg{5, {"T", "what", "task", 1}});
  put<std::uint32_t>(failure, kHeader + 8, 0xffff'ffff);
  REQUIRE_THROWS_WITH(decode(failure), "failure message: exception type length 4294967295 exceeds the 21 bytes left");

  // A body longer than its fields (and a header that agrees): the extra bytes are refused.
  Bytes result = encode(ResultMsg{9, kArgs});
  put<std::uint32_t>(result, kHeader + 8, 10);
  REQUIRE_THROWS_WITH(decode(result), "result message: 2 bytes left over after the last field");

  // A fixed field cut short by a consistent header.
  Bytes fetch = encode(FetchMsg{1, 2, {3, 4}});
  REQUIRE(fetch.size() == kHeader + 32);
  fetch.resize(kHeader + 28);
  put<std::uint32_t>(fetch, 8, 28);
  REQUIRE_THROWS_WITH(decode(fetch), "fetch message: encoder needs 16 bytes, 12 left");
}

TEST_CASE("the views of a decoded message point into the input", "[unit]") {
  Bytes bytes = encode(ResultMsg{9, kArgs});
  auto m = std::get<ResultMsg>(decode(bytes));
  CHECK(m.value.data() == bytes.data() + kHeader + 8 + 4);
}
