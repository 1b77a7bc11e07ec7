#pragma once
// Values as bytes, for tasks, arguments and results that cross ranks. Bytes are in host order and
// layout, with no versioning: every rank of a job runs the same binary on the same architecture (the
// bootstrap refuses a job whose ranks differ). Reading never trusts the bytes: a length is checked
// against what remains before anything is allocated, and a short input throws canopy::Error.
#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "canopy/errors.hpp"

namespace canopy {

class Writer;
class Reader;

/// Serializer<T> is the customization point: a user type travels once it is specialized with
/// `static void write(Writer&, const T&)` and `static T read(Reader&)` (optionally `static constexpr
/// std::size_t min_size`, the fewest bytes one value takes, which lets containers of it check lengths
/// more tightly). Specialize it before the first use of travels_v<T> or of a task that sends a T.
template <class T, class Enable = void>
struct Serializer;

namespace detail {

/// never_travels<T>: T must not cross ranks even though it is trivially copyable (it points into this
/// process: accessors, Context, views). The runtime specializes it for its own handles.
template <class T>
struct never_travels : std::false_type {};
template <class C, class Tr>
struct never_travels<std::basic_string_view<C, Tr>> : std::true_type {};
template <class T, std::size_t N>
struct never_travels<std::span<T, N>> : std::true_type {};
template <class T>
struct never_travels<std::reference_wrapper<T>> : std::true_type {};

/// is_std_composite<T>: the standard templates with their own Serializer; they never go through the
/// bytewise one, even when trivially copyable, so that std::array<int*, 2> does not travel.
template <class T>
struct is_std_composite : std::false_type {};
template <class T, std::size_t N>
struct is_std_composite<std::array<T, N>> : std::true_type {};
template <class A, class B>
struct is_std_composite<std::pair<A, B>> : std::true_type {};
template <class... A>
struct is_std_composite<std::tuple<A...>> : std::true_type {};
template <class T>
struct is_std_composite<std::optional<T>> : std::true_type {};

/// bytewise_v<T>: T travels as its object representation.
template <class T>
inline constexpr bool bytewise_v = std::is_trivially_copyable_v<T> && !std::is_pointer_v<T> &&
                                   !std::is_member_pointer_v<T> && !std::is_array_v<T> &&
                                   !std::is_const_v<T> && !std::is_volatile_v<T> &&
                                   !is_std_composite<T>::value && !never_travels<T>::value;

/// type_name<T>() is T as the compiler spells it, for error messages.
template <class T>
constexpr std::string_view type_name() {
  std::string_view p = __PRETTY_FUNCTION__;  // gcc: "[with T = int; ...]", clang: "[T = int]"
  std::size_t begin = p.find("T = ");
  if (begin == std::string_view::npos) return "a value";
  begin += 4;
  std::size_t end = p.find("; ", begin);
  if (end == std::string_view::npos) end = p.rfind(']');
  return p.substr(begin, end - begin);
}

/// throw_error builds the message only on the failing path, which keeps the readers small.
template <class... Parts>
[[noreturn]] void throw_error(const Parts&... parts) {
  std::string m = "canopy: ";
  auto add = [&m](const auto& part) {
    if constexpr (std::is_arithmetic_v<std::decay_t<decltype(part)>>) m += std::to_string(part);
    else m += part;
  };
  (add(parts), ...);
  throw Error(m);
}

}  // namespace detail

/// Travels<T>: T has a usable Serializer and is not one of the types that never leave a process.
template <class T>
concept Travels = !detail::never_travels<std::remove_cv_t<T>>::value && requires(Writer& w, Reader& r, const T& v) {
  Serializer<T>::write(w, v);
  { Serializer<T>::read(r) } -> std::same_as<T>;
};
/// travels_v<T>: Travels<T> as a bool.
template <class T>
inline constexpr bool travels_v = Travels<T>;

namespace detail {
/// min_wire_size_v<T>: the fewest bytes one encoded T takes (Serializer<T>::min_size, or 0 if unknown).
template <class T>
constexpr std::size_t min_wire_size() {
  if constexpr (requires { Serializer<T>::min_size; }) return Serializer<T>::min_size;
  else return 0;
}
template <class T>
inline constexpr std::size_t min_wire_size_v = min_wire_size<T>();
}  // namespace detail

/// Writer appends encoded values to a byte vector.
class Writer {
 public:
  Writer() = default;
  /// Writer(into) appends to `into` (say, after a header already written there).
  explicit Writer(std::vector<std::byte> into) : bytes_(std::move(into)) {}

  /// write_bytes appends n raw bytes.
  void write_bytes(const void* data, std::size_t n) {
    if (n == 0) return;
    const auto* b = static_cast<const std::byte*>(data);
    bytes_.insert(bytes_.end(), b, b + n);
  }
  /// write appends v through Serializer<T>.
  template <class T>
  void write(const T& v) {
    static_assert(Travels<T>, "canopy::Writer::write: this type has no canopy::Serializer (specialize it)");
    Serializer<T>::write(*this, v);
  }
  /// bytes is what was written so far.
  std::vector<std::byte>& bytes() { return bytes_; }
  /// take moves the bytes out and leaves the writer empty.
  std::vector<std::byte> take() { return std::exchange(bytes_, {}); }

 private:
  std::vector<std::byte> bytes_;
};

/// Reader consumes encoded values from a byte span; it throws canopy::Error on a short or malformed
/// input and never allocates more than the remaining bytes could describe.
class Reader {
 public:
  explicit Reader(std::span<const std::byte> bytes) : rest_(bytes) {}

  /// read_bytes copies the next n bytes to `out`; `what` names them if they are missing.
  void read_bytes(void* out, std::size_t n, std::string_view what = "raw bytes") {
    std::span<const std::byte> b = view(n, what);
    if (n != 0) std::memcpy(out, b.data(), n);
  }
  /// view returns the next n bytes without copying them (they live as long as the input).
  std::span<const std::byte> view(std::size_t n, std::string_view what = "raw bytes") {
    if (n > rest_.size())
      detail::throw_error("truncated input: reading ", what, " needs ", n, " bytes but ", rest_.size(),
                          " are left (", n - rest_.size(), " missing)");
    std::span<const std::byte> b = rest_.first(n);
    rest_ = rest_.subspan(n);
    return b;
  }
  /// read decodes the next value through Serializer<T>.
  template <class T>
  T read() {
    static_assert(Travels<T>, "canopy::Reader::read: this type has no canopy::Serializer (specialize it)");
    return Serializer<T>::read(*this);
  }
  /// read_length reads a container's u64 length and checks that the remaining bytes can hold that many
  /// elements of at least `min_element_size` bytes (at least one byte each when that is 0).
  std::size_t read_length(std::size_t min_element_size, std::string_view what) {
    if (rest_.size() < 8)
      detail::throw_error("truncated input: reading the length of ", what, " needs 8 bytes but ", rest_.size(),
                          " are left (", 8 - rest_.size(), " missing)");
    std::uint64_t n = read<std::uint64_t>();
    std::size_t per = min_element_size == 0 ? 1 : min_element_size;
    if (n > rest_.size() / per)
      detail::throw_error("length ", n, " of ", what, " exceeds what the ", rest_.size(),
                          " bytes left can hold (", per, " or more bytes per element)");
    return static_cast<std::size_t>(n);
  }
  /// remaining is the number of bytes not read yet.
  std::size_t remaining() const { return rest_.size(); }
  /// expect_end throws if bytes are left over after the last value.
  void expect_end() const {
    if (!rest_.empty()) detail::throw_error(rest_.size(), " bytes left over after the last value");
  }

 private:
  std::span<const std::byte> rest_;
};

/// Trivially copyable values travel as their bytes (not pointers, views or detail::never_travels).
template <class T>
  requires detail::bytewise_v<T>
struct Serializer<T> {
  static constexpr std::size_t min_size = sizeof(T);
  static void write(Writer& out, const T& v) { out.write_bytes(&v, sizeof(T)); }
  static T read(Reader& in) {
    std::array<std::byte, sizeof(T)> raw;
    in.read_bytes(raw.data(), sizeof(T), detail::type_name<T>());
    return std::bit_cast<T>(raw);
  }
};

/// bool is checked: a byte other than 0 or 1 would be undefined behaviour once loaded as a bool.
template <>
struct Serializer<bool> {
  static constexpr std::size_t min_size = 1;
  static void write(Writer& out, bool v) { out.write(static_cast<std::uint8_t>(v)); }
  static bool read(Reader& in) {
    auto b = in.read<std::uint8_t>();
    if (b > 1) detail::throw_error("bool byte ", static_cast<unsigned>(b), " is neither 0 nor 1");
    return b == 1;
  }
};

/// std::string: a u64 length and the characters.
template <>
struct Serializer<std::string> {
  static constexpr std::size_t min_size = 8;
  static void write(Writer& out, const std::string& s) {
    out.write(static_cast<std::uint64_t>(s.size()));
    out.write_bytes(s.data(), s.size());
  }
  static std::string read(Reader& in) {
    std::size_t n = in.read_length(1, "std::string");
    std::string s(n, '\0');
    in.read_bytes(s.data(), n, "std::string characters");
    return s;
  }
};

/// std::vector<T>: a u64 length and the elements (one block when they travel bytewise).
template <class T>
  requires Travels<T>
struct Serializer<std::vector<T>> {
  static constexpr bool block = detail::bytewise_v<T> && !std::is_same_v<T, bool> && std::is_default_constructible_v<T>;
  static constexpr std::size_t min_size = 8;
  static void write(Writer& out, const std::vector<T>& v) {
    out.write(static_cast<std::uint64_t>(v.size()));
    if constexpr (block) {
      out.write_bytes(v.data(), v.size() * sizeof(T));
    } else {
      for (const T& x : v) out.write<T>(x);
    }
  }
  static std::vector<T> read(Reader& in) {
    constexpr std::string_view what = detail::type_name<std::vector<T>>();
    std::size_t n = in.read_length(detail::min_wire_size_v<T>, what);
    std::vector<T> v;
    if constexpr (block) {
      v.resize(n);
      in.read_bytes(v.data(), n * sizeof(T), what);
    } else {
      v.reserve(n);
      for (std::size_t i = 0; i < n; ++i) v.push_back(in.read<T>());
    }
    return v;
  }
};

/// std::array<T, N>: the N elements, no length.
template <class T, std::size_t N>
  requires Travels<T> && std::is_default_constructible_v<T>
struct Serializer<std::array<T, N>> {
  static constexpr std::size_t min_size = N * detail::min_wire_size_v<T>;
  static void write(Writer& out, const std::array<T, N>& a) {
    for (const T& x : a) out.write<T>(x);
  }
  static std::array<T, N> read(Reader& in) {
    std::array<T, N> a;
    for (T& x : a) x = in.read<T>();
    return a;
  }
};

/// std::pair<A, B>: first, then second.
template <class A, class B>
  requires Travels<A> && Travels<B>
struct Serializer<std::pair<A, B>> {
  static constexpr std::size_t min_size = detail::min_wire_size_v<A> + detail::min_wire_size_v<B>;
  static void write(Writer& out, const std::pair<A, B>& p) {
    out.write<A>(p.first);
    out.write<B>(p.second);
  }
  static std::pair<A, B> read(Reader& in) {
    return std::pair<A, B>{in.read<A>(), in.read<B>()};  // braces: read left to right
  }
};

/// std::tuple<A...>: the elements in order.
template <class... A>
  requires(Travels<A> && ...)
struct Serializer<std::tuple<A...>> {
  static constexpr std::size_t min_size = (std::size_t{0} + ... + detail::min_wire_size_v<A>);
  static void write(Writer& out, const std::tuple<A...>& t) {
    std::apply([&out](const A&... a) { (out.write<A>(a), ...); }, t);
  }
  static std::tuple<A...> read([[maybe_unused]] Reader& in) {
    return std::tuple<A...>{in.read<A>()...};  // braces: read left to right
  }
};

/// std::optional<T>: a flag byte (0 or 1), then the value if there is one.
template <class T>
  requires Travels<T>
struct Serializer<std::optional<T>> {
  static constexpr std::size_t min_size = 1;
  static void write(Writer& out, const std::optional<T>& o) {
    out.write<bool>(o.has_value());
    if (o) out.write<T>(*o);
  }
  static std::optional<T> read(Reader& in) {
    if (!in.read<bool>()) return std::nullopt;
    return std::optional<T>(in.read<T>());
  }
};

}  // namespace canopy
