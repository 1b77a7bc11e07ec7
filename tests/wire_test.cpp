// canopy/serialize.hpp: every built-in Serializer and a user one round-trip, travels_v answers at compile
// time, and malformed input (any truncation, absurd lengths, bad flag bytes) throws canopy::Error.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "canopy/serialize.hpp"

namespace {

struct TwoInts {
  int a = 0, b = 0;
  bool operator==(const TwoInts&) const = default;
};
struct HoldsString {
  std::string s;
};
enum class Color : std::uint8_t { red, green, blue };

// A user type with its own Serializer: not trivially copyable, so only the specialization makes it travel.
struct Person {
  std::string name;
  std::vector<int> scores;
  bool operator==(const Person&) const = default;
};

}  // namespace

template <>
struct canopy::Serializer<Person> {
  static void write(Writer& out, const Person& p) {
    out.write(p.name);
    out.write(p.scores);
  }
  static Person read(Reader& in) {
    Person p;
    p.name = in.read<std::string>();
    p.scores = in.read<std::vector<int>>();
    return p;
  }
};

using canopy::travels_v;
static_assert(travels_v<int> && travels_v<double> && travels_v<bool> && travels_v<Color>);
static_assert(!travels_v<int*> && !travels_v<const char*> && !travels_v<void (*)()>);
static_assert(!travels_v<int TwoInts::*>);
static_assert(travels_v<std::vector<std::string>>);
static_assert(travels_v<TwoInts>);
static_assert(!travels_v<HoldsString>);
static_assert(travels_v<Person> && travels_v<std::vector<Person>> && travels_v<std::optional<Person>>);
static_assert(!travels_v<std::vector<HoldsString>> && !travels_v<std::pair<int, HoldsString>>);
static_assert(!travels_v<std::array<int*, 2>> && !travels_v<std::optional<int*>> && !travels_v<std::tuple<int, int*>>);
static_assert(!travels_v<std::string_view> && !travels_v<std::span<const int>>);
static_assert(!travels_v<std::reference_wrapper<int>> && !travels_v<std::unique_ptr<int>>);
static_assert(travels_v<std::tuple<int, double, std::string>> && travels_v<std::tuple<>>);
static_assert(canopy::Travels<std::pair<std::string, std::array<TwoInts, 3>>>);

namespace {

template <class T>
std::vector<std::byte> encode(const T& v) {
  canopy::Writer out;
  out.write(v);
  return out.take();
}

template <class T>
T decode(std::span<const std::byte> bytes) {
  canopy::Reader in(bytes);
  T v = in.read<T>();
  in.expect_end();
  return v;
}

template <class T>
void round_trip(const T& v) {
  std::vector<std::byte> bytes = encode(v);
  CHECK(decode<T>(bytes) == v);
  // Every strict prefix is a truncated input: it must throw, never read past the end.
  for (std::size_t n = 0; n < bytes.size(); ++n)
    CHECK_THROWS_AS(decode<T>(std::span(bytes).first(n)), canopy::Error);
}

std::vector<std::byte> u64(std::uint64_t v) {
  std::vector<std::byte> b(8);
  std::memcpy(b.data(), &v, 8);
  return b;
}

}  // namespace

TEST_CASE("built-in Serializers round-trip and refuse every truncation", "[unit]") {
  round_trip(42);
  round_trip(-1.5);
  round_trip(std::uint8_t{7});
  round_trip(true);
  round_trip(false);
  round_trip(Color::blue);
  round_trip(TwoInts{3, -4});
  round_trip(std::string{});
  round_trip(std::string("with\0nul", 8));
  round_trip(std::string(1000, 'x'));
  round_trip(std::vector<int>{});
  round_trip(std::vector<int>{1, 2, 3});
  round_trip(std::vector<bool>{true, false, true});
  round_trip(std::vector<std::string>{"a", "", "ccc"});
  round_trip(std::vector<std::vector<int>>{{1}, {}, {2, 3}});
  round_trip(std::array<int, 3>{4, 5, 6});
  round_trip(std::array<std::string, 2>{"x", "yz"});
  round_trip(std::pair<int, std::string>{1, "one"});
  round_trip(std::tuple<int, double, std::string>{1, 2.5, "three"});
  round_trip(std::tuple<>{});
  round_trip(std::optional<std::string>{});
  round_trip(std::optional<std::string>{"here"});
  round_trip(std::vector<std::optional<std::pair<int, std::string>>>{std::nullopt, std::pair{2, std::string("b")}});
}

TEST_CASE("a user-specialized Serializer round-trips, alone and inside containers", "[unit]") {
  Person ada{"Ada", {90, 95}};
  round_trip(ada);
  round_trip(std::vector<Person>{ada, Person{}, Person{"Bob", {}}});
  round_trip(std::optional<Person>{ada});
}

TEST_CASE("values written one after another are read back in order", "[unit]") {
  canopy::Writer out;
  out.write(1);
  out.write(std::string("two"));
  out.write(3.0);
  std::vector<std::byte> bytes = out.take();
  CHECK(out.bytes().empty());
  canopy::Reader in(bytes);
  CHECK(in.read<int>() == 1);
  CHECK(in.read<std::string>() == "two");
  CHECK(in.remaining() == sizeof(double));
  CHECK(in.read<double>() == 3.0);
  CHECK_NOTHROW(in.expect_end());
}

TEST_CASE("a truncated read names what it was reading and how many bytes are missing", "[unit]") {
  std::vector<std::byte> bytes = encode(std::pair<int, double>{1, 2.0});
  bytes.resize(4 + 3);
  using IntDouble = std::pair<int, double>;
  REQUIRE_THROWS_WITH(decode<IntDouble>(bytes),
                      "canopy: truncated input: reading double needs 8 bytes but 3 are left (5 missing)");
  // A length is checked against what is left before the characters are read.
  bytes = encode(std::string("hello"));
  bytes.resize(8 + 2);
  REQUIRE_THROWS_WITH(decode<std::string>(bytes),
                      "canopy: length 5 of std::string exceeds what the 2 bytes left can hold (1 or more bytes per element)");
  std::vector<std::byte> two(2);
  REQUIRE_THROWS_WITH(decode<std::uint64_t>(two), Catch::Contains("needs 8 bytes but 2 are left (6 missing)"));
  REQUIRE_THROWS_WITH(decode<double>(two), Catch::Contains("reading double"));
  REQUIRE_THROWS_WITH(decode<std::vector<int>>(two),
                      "canopy: truncated input: reading the length of std::vector<int> needs 8 bytes but 2 are left (6 missing)");
}

TEST_CASE("huge lengths are refused before anything is allocated", "[unit]") {
  std::vector<std::byte> bytes = u64(std::uint64_t{1} << 60);
  bytes.resize(10);
  REQUIRE_THROWS_WITH(decode<std::vector<int>>(bytes),
                      Catch::Contains("length 1152921504606846976 of std::vector<int> exceeds what the 2 bytes left can hold"));
  REQUIRE_THROWS_AS(decode<std::string>(bytes), canopy::Error);
  REQUIRE_THROWS_AS(decode<std::vector<std::string>>(bytes), canopy::Error);
  REQUIRE_THROWS_AS(decode<std::vector<std::tuple<>>>(bytes), canopy::Error);
  REQUIRE_THROWS_AS(decode<std::vector<Person>>(bytes), canopy::Error);
  std::vector<std::byte> max = u64(std::numeric_limits<std::uint64_t>::max());
  REQUIRE_THROWS_AS(decode<std::vector<std::vector<int>>>(max), canopy::Error);
  // Eight bytes per element at least: 3 strings cannot fit in 16 bytes.
  std::vector<std::byte> three = u64(3);
  three.resize(8 + 16);
  REQUIRE_THROWS_WITH(decode<std::vector<std::string>>(three), Catch::Contains("8 or more bytes per element"));
}

TEST_CASE("bool and optional flag bytes other than 0 or 1 are refused", "[unit]") {
  std::vector<std::byte> two{std::byte{2}};
  REQUIRE_THROWS_WITH(decode<bool>(two), "canopy: bool byte 2 is neither 0 nor 1");
  REQUIRE_THROWS_AS(decode<std::optional<int>>(two), canopy::Error);
  REQUIRE_THROWS_AS(decode<std::vector<bool>>(std::vector<std::byte>{u64(1).front(), {}, {}, {}, {}, {}, {}, {}, std::byte{9}}),
                    canopy::Error);
}

TEST_CASE("bytes left after the last value are refused by expect_end", "[unit]") {
  std::vector<std::byte> bytes = encode(7);
  bytes.push_back(std::byte{0});
  REQUIRE_THROWS_WITH(decode<int>(bytes), "canopy: 1 bytes left over after the last value");
}
