#pragma once
// Tasks and futures that cross ranks: what a spawn on another rank sends (a code address and the
// serialized arguments), the local stand-in that its result completes, and how a Future travels.
#include <cstddef>
#include <cstdint>
#include <new>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "canopy/detail/abi.hpp"
#include "canopy/accessor.hpp"
#include "canopy/detail/frame.hpp"
#include "canopy/export.hpp"
#include "canopy/privilege.hpp"
#include "canopy/serialize.hpp"

namespace canopy {
template <class R>
class Future;
}

namespace canopy::detail {

// Accessors point into this process's memory: they never travel, whatever their layout.
template <class T, int N>
struct never_travels<Read<T, N>> : std::true_type {};
template <class T, int N>
struct never_travels<Write<T, N>> : std::true_type {};
template <class T, int N>
struct never_travels<ReadWrite<T, N>> : std::true_type {};
template <class T, class Op, int N>
struct never_travels<Reduce<T, Op, N>> : std::true_type {};

/// kCodeMagic starts every record a message may name by code address: a rank checks it before it
/// calls through a record, so a corrupt address is refused instead of called.
inline constexpr std::uint64_t kCodeMagic = 0x7e3a'c0de'5a1e'0b1dULL;

/// RemoteTaskEntry is how a rank runs a task that arrived in a message: one per task signature.
struct RemoteTaskEntry {
  std::uint64_t magic;
  /// run decodes the arguments, runs the task as a child of `ctx` (a stand-in for the remote parent)
  /// and returns its encoded result; whatever the task threw propagates.
  std::vector<std::byte> (*run)(Context& ctx, const void* function, std::span<const std::byte> args);
  /// type_name is the mangled name of the callable's type (for messages).
  const char* (*type_name)();
};

/// ResultCodec encodes the result of a finished frame whose result type it knows (to answer a fetch).
struct ResultCodec {
  std::uint64_t magic;
  void (*encode)(Frame* f, Writer& out);
};

/// RemoteFrameOps is the table of a frame that a message completes: it decodes the result into it.
struct RemoteFrameOps : FrameOps {
  void (*decode)(Frame* f, std::span<const std::byte> bytes);
};

/// is_function_pointer_v: F is a pointer to a plain function (sent as a code address).
template <class F>
inline constexpr bool is_function_pointer_v = std::is_pointer_v<F> && std::is_function_v<std::remove_pointer_t<F>>;
/// is_stateless_callable_v: F is a captureless lambda or another empty callable a rank can rebuild
/// from its type alone.
template <class F>
inline constexpr bool is_stateless_callable_v =
    std::is_class_v<F> && std::is_empty_v<F> && std::is_default_constructible_v<F> && std::is_trivially_copyable_v<F>;

/// task_travels_v: a task fn(args...) returning R can run on another rank: the callable is a plain
/// function or a captureless lambda, every argument and the result serialize, and no argument is a
/// privilege request (region data does not cross ranks yet).
template <class R, class F, class... A>
inline constexpr bool task_travels_v = (is_function_pointer_v<F> || is_stateless_callable_v<F>) &&
                                       (std::is_void_v<R> || travels_v<R>) && (travels_v<A> && ...) &&
                                       (!is_request_v<A> && ...);

/// RemoteFrame stands in, on the spawning rank, for a child that runs on another rank (or for a
/// future another rank owns): a message fills its result and completes it. It is never queued.
template <class R, class F>
struct RemoteFrame final : ResultFrame<R> {
  F fn;
  explicit RemoteFrame(F f) : fn(f) { this->task_ops = &kOps; }

  static void run(Frame*) {}  // never queued: a message completes it
  static void destroy(Frame* base) {
    auto* self = static_cast<RemoteFrame*>(base);
    self->result.reset();
    self->~RemoteFrame();
  }
  static void take_result(Frame* base, void* out) {
    if constexpr (!std::is_void_v<R>) ::new (out) R(std::move(*static_cast<RemoteFrame*>(base)->result.ptr()));
  }
  static void copy_result(Frame* base, void* out) {
    if constexpr (!std::is_void_v<R> && std::is_copy_constructible_v<R>)
      ::new (out) R(*static_cast<RemoteFrame*>(base)->result.ptr());
  }
  static const char* type_name() { return typeid(F).name(); }
  static const void* function_address(const Frame* base) {
    if constexpr (is_function_pointer_v<F>)
      return reinterpret_cast<const void*>(static_cast<const RemoteFrame*>(base)->fn);
    else
      return nullptr;
  }
  static void decode(Frame* base, std::span<const std::byte> bytes) {
    Reader in(bytes);
    if constexpr (!std::is_void_v<R>) static_cast<RemoteFrame*>(base)->result.emplace(in.read<R>());
    in.expect_end();
  }
  static constexpr RemoteFrameOps kOps{
      {{&execute_frame}, &run, &destroy, &take_result, &copy_result, &type_name, &function_address,
       std::is_void_v<R> || std::is_copy_constructible_v<R>},
      &decode};
};

/// run_remote is RemoteTaskEntry::run for one task signature.
template <class R, class F, class... A>
std::vector<std::byte> run_remote(Context& ctx, const void* function, std::span<const std::byte> args) {
  Reader in(args);
  std::tuple<A...> decoded{in.read<A>()...};  // braced: the reads happen left to right
  in.expect_end();
  F fn = [&] {
    if constexpr (is_function_pointer_v<F>) return reinterpret_cast<F>(const_cast<void*>(function));
    else return F{};
  }();
  Writer out;
  std::apply(
      [&](A&... a) {
        if constexpr (std::is_void_v<R>) ctx.spawn(fn, std::move(a)...).get();
        else out.write(ctx.spawn(fn, std::move(a)...).get());
      },
      decoded);
  return out.take();
}

template <class F>
const char* callable_type_name() {
  return typeid(F).name();
}

template <class R, class F, class... A>
inline constexpr RemoteTaskEntry kRemoteTaskEntry{kCodeMagic, &run_remote<R, F, A...>, &callable_type_name<F>};

template <class R>
void encode_result(Frame* f, Writer& out) {
  if constexpr (!std::is_void_v<R>) out.write(*static_cast<ResultFrame<R>*>(f)->result.ptr());
}
template <class R>
inline constexpr ResultCodec kResultCodec{kCodeMagic, &encode_result<R>};


/// function_address_of is the address of a plain function, nullptr for any other callable.
template <class F>
const void* function_address_of(const F& fn) {
  if constexpr (std::is_pointer_v<std::decay_t<F>> && std::is_function_v<std::remove_pointer_t<std::decay_t<F>>>)
    return reinterpret_cast<const void*>(fn);
  else
    return nullptr;
}

/// first_untravelled is the mangled name of the first type of A... that cannot travel, or nullptr.
template <class... A>
const char* first_untravelled() {
  const char* name = nullptr;
  ((name = name ? name : travels_v<A> ? nullptr : typeid(A).name()), ...);
  return name;
}

/// remote_launch builds the stand-in of a child that runs fn(args...) on `rank` and sends it there.
template <class R, class F, class... A>
Frame* remote_launch(Frame* me, int rank, F&& fn, A&&... args) {
  using Fn = std::decay_t<F>;
  if constexpr (task_travels_v<R, Fn, std::decay_t<A>...>) {
    Writer out;
    (out.write(static_cast<const std::decay_t<A>&>(args)), ...);
    void* mem = ::operator new(sizeof(RemoteFrame<R, Fn>), std::align_val_t{64});
    auto* child = ::new (mem) RemoteFrame<R, Fn>(fn);
    child->size_class = kHeapFrame;
    me->link_child(child);
    send_spawn(me, child, rank, &kRemoteTaskEntry<R, Fn, std::decay_t<A>...>, function_address_of(fn), out.take());
    return child;
  } else {
    const char* why = !(is_function_pointer_v<Fn> || is_stateless_callable_v<Fn>)
                          ? "the callable captures state (only plain functions and captureless lambdas travel)"
                      : !(std::is_void_v<R> || travels_v<R>) ? "its result type has no canopy::Serializer"
                      : !(!is_request_v<std::decay_t<A>> && ...)
                          ? "it has privilege requests (region data does not cross ranks yet)"
                          : "an argument has no canopy::Serializer";
    const char* type = !(std::is_void_v<R> || travels_v<R>) ? typeid(R).name() : first_untravelled<std::decay_t<A>...>();
    cannot_travel(me, rank, typeid(Fn).name(), function_address_of(fn), why, type);
  }
}

}  // namespace canopy::detail

namespace canopy {

/// A Future travels as a reference to its owner's result: the receiving rank fetches the value, and
/// get() there parks like any other wait.
template <class R>
  requires(std::is_void_v<R> || travels_v<R>)
struct Serializer<Future<R>> {
  static void write(Writer& out, const Future<R>& f) {
    if (!f.frame_) throw Error("canopy: an empty Future cannot be sent to another rank");
    detail::FutureRef ref = detail::export_future(f.frame_);
    out.write(ref.rank);
    out.write(ref.id);
  }
  static Future<R> read(Reader& in) {
    detail::FutureRef ref;
    ref.rank = in.read<std::int32_t>();
    ref.id = in.read<std::uint64_t>();
    void* mem = ::operator new(sizeof(detail::RemoteFrame<R, std::nullptr_t>), std::align_val_t{64});
    auto* proxy = ::new (mem) detail::RemoteFrame<R, std::nullptr_t>(nullptr);
    proxy->size_class = detail::kHeapFrame;
    return Future<R>(detail::import_future(ref, proxy, &detail::kResultCodec<R>));
  }
};

}  // namespace canopy
