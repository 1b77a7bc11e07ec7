// Framing of the messages ranks exchange. decode() reads bytes straight from the network: each length
// is checked against what is left before it is used, and every failure names the kind of message and
// the field, so that a report from the field (or the fuzzer) points at the bad byte.
#include "comm/message.hpp"

#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

#include "canopy/serialize.hpp"

namespace canopy::comm {
namespace {

constexpr std::uint32_t kMagic = 0x59'50'4e'43;  // a little-endian dump shows "CNPY"
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kHeaderSize = 4 + 1 + 1 + 2 + 4;

// The kind byte of each alternative of Message, in variant order starting at 1 (0 is never valid).
constexpr const char* kKindNames[] = {"spawn", "result", "failure", "fetch", "release", "run-end"};
constexpr std::size_t kKinds = std::variant_size_v<Message>;
static_assert(std::size(kKindNames) == kKinds);

// No "canopy: " prefix: the caller wraps the message with the peer that sent the bytes.
[[noreturn]] void fail(const std::string& m) { throw ProtocolError(m); }

// BodyWriter puts fields in declaration order; a span or string is a u32 length and its bytes.
struct BodyWriter {
  Writer& out;
  const char* kind;
  template <class T>
  void field(T v) {
    out.write(v);
  }
  void field(CodeAddress a) {
    out.write(a.module);
    out.write(a.offset);
  }
  void blob(const void* data, std::size_t n, const char* name) {
    if (n > std::numeric_limits<std::uint32_t>::max())
      throw Error(std::string("canopy: ") + kind + " message: " + name + " of " + std::to_string(n) +
                  " bytes exceeds the 4 GiB a message field can hold");
    out.write(static_cast<std::uint32_t>(n));
    out.write_bytes(data, n);
  }
  void field(std::span<const std::byte> s, const char* name) { blob(s.data(), s.size(), name); }
  void field(std::string_view s, const char* name) { blob(s.data(), s.size(), name); }
};

// BodyReader checks each field against the bytes left before reading it.
struct BodyReader {
  Reader in;
  const char* kind;

  [[noreturn]] void short_of(const char* name, const char* suffix, std::size_t need) const {
    fail(std::string(kind) + " message: " + name + suffix + " needs " + std::to_string(need) + " bytes, " +
         std::to_string(in.remaining()) + " left");
  }
  template <class T>
  T field(const char* name) {
    if (in.remaining() < sizeof(T)) short_of(name, "", sizeof(T));
    return in.read<T>();
  }
  CodeAddress address(const char* name) {
    if (in.remaining() < 16) short_of(name, "", 16);
    CodeAddress a;
    a.module = in.read<std::uint64_t>();
    a.offset = in.read<std::uint64_t>();
    return a;
  }
  std::span<const std::byte> blob(const char* name) {
    if (in.remaining() < 4) short_of(name, " length", 4);
    auto n = in.read<std::uint32_t>();
    if (n > in.remaining())
      fail(std::string(kind) + " message: " + name + " length " + std::to_string(n) + " exceeds the " +
           std::to_string(in.remaining()) + " bytes left");
    return in.view(n);
  }
  std::string_view text(const char* name) {
    std::span<const std::byte> b = blob(name);
    return {reinterpret_cast<const char*>(b.data()), b.size()};
  }
  void end() const {
    if (in.remaining() != 0)
      fail(std::string(kind) + " message: " + std::to_string(in.remaining()) + " bytes left over after the last field");
  }
};

void write_body(BodyWriter& w, const SpawnMsg& m) {
  w.field(m.task);
  w.field(m.depth);
  w.field(m.entry);
  w.field(m.function);
  w.field(m.args, "args");
}
void write_body(BodyWriter& w, const ResultMsg& m) {
  w.field(m.target);
  w.field(m.value, "value");
}
void write_body(BodyWriter& w, const FailureMsg& m) {
  w.field(m.target);
  w.field(m.failure.type, "exception type");
  w.field(m.failure.what, "what");
  w.field(m.failure.task_name, "task name");
  w.field(m.failure.rank);
}
void write_body(BodyWriter& w, const FetchMsg& m) {
  w.field(m.future);
  w.field(m.request);
  w.field(m.encoder);
}
void write_body(BodyWriter& w, const ReleaseMsg& m) { w.field(m.future); }
void write_body(BodyWriter& w, const RunEndMsg& m) { w.field(m.run); }

Message read_body(BodyReader& r, std::size_t index) {
  switch (index) {
    case 0: {
      SpawnMsg m;
      m.task = r.field<std::uint64_t>("task");
      m.depth = r.field<std::uint32_t>("depth");
      m.entry = r.address("entry");
      m.function = r.address("function");
      m.args = r.blob("args");
      return m;
    }
    case 1: {
      ResultMsg m;
      m.target = r.field<std::uint64_t>("target");
      m.value = r.blob("value");
      return m;
    }
    case 2: {
      FailureMsg m;
      m.target = r.field<std::uint64_t>("target");
      m.failure.type = r.text("exception type");
      m.failure.what = r.text("what");
      m.failure.task_name = r.text("task name");
      m.failure.rank = r.field<std::int32_t>("rank");
      return m;
    }
    case 3: {
      FetchMsg m;
      m.future = r.field<std::uint64_t>("future");
      m.request = r.field<std::uint64_t>("request");
      m.encoder = r.address("encoder");
      return m;
    }
    case 4:
      return ReleaseMsg{r.field<std::uint64_t>("future")};
    default:
      return RunEndMsg{r.field<std::uint64_t>("run")};
  }
}

}  // namespace

Bytes encode(const Message& m) {
  Writer out;
  out.bytes().reserve(64);
  out.write(kMagic);
  out.write(kVersion);
  out.write(static_cast<std::uint8_t>(m.index() + 1));
  out.write(std::uint16_t{0});
  out.write(std::uint32_t{0});  // the body length, filled in below
  BodyWriter w{out, kind_name(m)};
  std::visit([&w](const auto& msg) { write_body(w, msg); }, m);
  std::size_t body = out.bytes().size() - kHeaderSize;
  if (body > std::numeric_limits<std::uint32_t>::max())
    throw Error(std::string("canopy: ") + kind_name(m) + " message of " + std::to_string(body) +
                " bytes exceeds the 4 GiB a message can hold");
  auto length = static_cast<std::uint32_t>(body);
  std::memcpy(out.bytes().data() + kHeaderSize - 4, &length, 4);
  return out.take();
}

Message decode(std::span<const std::byte> bytes) {
  if (bytes.size() < kHeaderSize)
    fail("message of " + std::to_string(bytes.size()) + " bytes is shorter than the " +
         std::to_string(kHeaderSize) + "-byte header");
  Reader header(bytes.first(kHeaderSize));
  auto magic = header.read<std::uint32_t>();
  auto version = header.read<std::uint8_t>();
  auto kind = header.read<std::uint8_t>();
  auto reserved = header.read<std::uint16_t>();
  auto length = header.read<std::uint32_t>();
  if (magic != kMagic) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "0x%08x (expected 0x%08x)", magic, kMagic);
    fail(std::string("not a Canopy message: magic ") + buf);
  }
  if (version != kVersion)
    fail("message version " + std::to_string(version) + ", this build speaks version " + std::to_string(kVersion));
  if (kind == 0 || kind > kKinds) fail("unknown message kind " + std::to_string(kind));
  const char* name = kKindNames[kind - 1];
  if (reserved != 0)
    fail(std::string(name) + " message: reserved header field is " + std::to_string(reserved) + ", not 0");
  std::size_t body = bytes.size() - kHeaderSize;
  if (length != body)
    fail(std::string(name) + " message: header says " + std::to_string(length) + " body bytes, " +
         std::to_string(body) + " arrived");
  BodyReader r{Reader(bytes.subspan(kHeaderSize)), name};
  Message m = read_body(r, kind - 1);
  r.end();
  return m;
}

const char* kind_name(const Message& m) { return kKindNames[m.index()]; }

}  // namespace canopy::comm
