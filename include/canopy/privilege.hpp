#pragma once
// Privilege requests: what a child task may do with a region. Passed to spawn; the child receives the
// matching accessor (canopy/accessor.hpp) in the same argument position.
#include <concepts>
#include <cstddef>
#include <utility>
#include <limits>
#include <source_location>
#include <type_traits>
#include <typeinfo>

#include "canopy/region.hpp"

namespace canopy {

/// Privilege: read, write, read-write, or reduce with an operator.
enum class Privilege : unsigned char { read = 1, write = 2, read_write = 3, reduce = 4 };

/// Built-in reduction operators; a user operator is a type with static T identity() and
/// static void fold(T&, const T&).
struct Sum {
  template <class T> static T identity() { return T(0); }
  template <class T> static void fold(T& a, const T& b) { a += b; }
};
struct Prod {
  template <class T> static T identity() { return T(1); }
  template <class T> static void fold(T& a, const T& b) { a *= b; }
};
struct Min {
  template <class T> static T identity() { return std::numeric_limits<T>::max(); }
  template <class T> static void fold(T& a, const T& b) { if (b < a) a = b; }
};
struct Max {
  template <class T> static T identity() { return std::numeric_limits<T>::lowest(); }
  template <class T> static void fold(T& a, const T& b) { if (a < b) a = b; }
};

namespace detail {
/// op_identity / op_fold call a built-in (templated) or a user (plain static) operator alike.
template <class Op, class T>
T op_identity() {
  if constexpr (requires { { Op::identity() } -> std::convertible_to<T>; }) return Op::identity();
  else return Op::template identity<T>();
}
template <class Op, class T>
void op_fold(T& a, const T& b) {
  if constexpr (requires(T& x, const T& y) { Op::fold(x, y); }) Op::fold(a, b);
  else Op::template fold<T>(a, b);
}
}  // namespace detail

/// Request<T, N, P, Op> asks for privilege P on a region; made by read(), write(), read_write(), reduce<Op>().
template <class T, int N, Privilege P, class Op = void>
struct Request {
  Region<T, N> region;
  std::source_location where;
};

/// read(r): the child may read r. Needs read or read-write in the parent.
template <class T, int N>
Request<T, N, Privilege::read> read(const Region<T, N>& r, std::source_location loc = std::source_location::current()) {
  return {r, loc};
}
/// write(r): the child may write r (its old contents are not promised to it). Needs write or read-write.
template <class T, int N>
Request<T, N, Privilege::write> write(const Region<T, N>& r, std::source_location loc = std::source_location::current()) {
  return {r, loc};
}
/// read_write(r): the child may read and write r. Needs read-write.
template <class T, int N>
Request<T, N, Privilege::read_write> read_write(const Region<T, N>& r,
                                                std::source_location loc = std::source_location::current()) {
  return {r, loc};
}
/// reduce<Op>(r): the child may fold values into r with Op. Needs read-write or the same reduce<Op>.
template <class Op, class T, int N>
Request<T, N, Privilege::reduce, Op> reduce(const Region<T, N>& r,
                                            std::source_location loc = std::source_location::current()) {
  return {r, loc};
}

/// Each<T, N> stands, in a request given to spawn_each, for the i-th piece of a partition at point i.
template <class T, int N>
struct Each {
  Partition<T, N> parts;
};
/// each(p): in spawn_each, point i's request is on p[i] (e.g. canopy::write(canopy::each(parts))).
template <class T, int N>
Each<T, N> each(const Partition<T, N>& p) {
  return {p};
}

/// EachRequest<T, N, P, Op> asks for privilege P on piece i of a partition, at point i of spawn_each.
template <class T, int N, Privilege P, class Op = void>
struct EachRequest {
  Partition<T, N> parts;
  std::source_location where;
};
template <class T, int N>
EachRequest<T, N, Privilege::read> read(const Each<T, N>& e, std::source_location loc = std::source_location::current()) {
  return {e.parts, loc};
}
template <class T, int N>
EachRequest<T, N, Privilege::write> write(const Each<T, N>& e, std::source_location loc = std::source_location::current()) {
  return {e.parts, loc};
}
template <class T, int N>
EachRequest<T, N, Privilege::read_write> read_write(const Each<T, N>& e,
                                                    std::source_location loc = std::source_location::current()) {
  return {e.parts, loc};
}
template <class Op, class T, int N>
EachRequest<T, N, Privilege::reduce, Op> reduce(const Each<T, N>& e,
                                                std::source_location loc = std::source_location::current()) {
  return {e.parts, loc};
}

namespace detail {
/// point_arg is what point i of spawn_each receives for an argument: piece i for an EachRequest, else
/// the argument itself (copied).
template <class X>
const X& point_arg(const X& x, std::size_t) {
  return x;
}
template <class T, int N, Privilege P, class Op>
Request<T, N, P, Op> point_arg(const EachRequest<T, N, P, Op>& e, std::size_t i) {
  return {e.parts[i], e.where};
}
template <class X>
using point_arg_t = std::decay_t<decltype(point_arg(std::declval<const std::decay_t<X>&>(), std::size_t{}))>;
template <class X>
struct is_each_request : std::false_type {};
template <class T, int N, Privilege P, class Op>
struct is_each_request<EachRequest<T, N, P, Op>> : std::true_type {};
/// each_size is the number of pieces of an EachRequest, or SIZE_MAX for any other argument.
template <class X>
std::size_t each_size(const X& x) {
  if constexpr (is_each_request<X>::value) return x.parts.size();
  else return static_cast<std::size_t>(-1);
}

template <class X>
struct is_request : std::false_type {};
template <class T, int N, Privilege P, class Op>
struct is_request<Request<T, N, P, Op>> : std::true_type {};
template <class X>
inline constexpr bool is_request_v = is_request<std::decay_t<X>>::value;

/// RequestInfo is a request with its types erased, for the privilege check and the analyzer.
struct RequestInfo {
  RegionNode* node;
  Privilege privilege;
  const char* op;          // mangled name of the reduction operator, or nullptr
  const char* elem_type;   // mangled name of T
  std::source_location where;
};

template <class T, int N, Privilege P, class Op>
RequestInfo info_of(const Request<T, N, P, Op>& r) {
  const char* op = nullptr;
  if constexpr (!std::is_void_v<Op>) op = typeid(Op).name();
  return RequestInfo{r.region.node(), P, op, typeid(T).name(), r.where};
}
}  // namespace detail

}  // namespace canopy
