// libFuzzer target for comm/message's decode(), the one reader of bytes from the network: any input
// must either decode or throw ProtocolError, never crash or read out of bounds. A message that decodes
// must re-encode to the same bytes (the format has one encoding per message), and the payload of a
// spawn or result is read as a few typical argument types, which must throw canopy::Error if malformed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <tuple>
#include <vector>

#include "canopy/serialize.hpp"
#include "comm/message.hpp"

using namespace canopy::comm;

namespace {

template <class T>
void try_read(std::span<const std::byte> payload) {
  try {
    canopy::Reader in(payload);
    T v = in.read<T>();
    in.expect_end();
    // Re-encoding what was read must give the payload back.
    canopy::Writer out;
    out.write(v);
    if (out.bytes().size() != payload.size() || std::memcmp(out.bytes().data(), payload.data(), payload.size()) != 0)
      std::abort();
  } catch (const canopy::Error&) {
  }
}

void read_payload(std::span<const std::byte> payload) {
  try_read<std::string>(payload);
  try_read<std::vector<std::vector<int>>>(payload);
  try_read<std::tuple<int, double, std::string>>(payload);
  try_read<std::vector<std::optional<std::pair<bool, std::string>>>>(payload);
}

// touch reads every byte of a view, so that ASan sees a view that points outside the input.
std::size_t touch(std::string_view s) {
  std::size_t sum = 0;
  for (char c : s) sum += static_cast<unsigned char>(c);
  return sum;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  Message m;
  try {
    m = decode(bytes);
  } catch (const ProtocolError&) {
    return 0;
  }
  Bytes again = encode(m);
  if (again.size() != size || std::memcmp(again.data(), data, size) != 0) std::abort();
  if (auto* s = std::get_if<SpawnMsg>(&m)) read_payload(s->args);
  if (auto* r = std::get_if<ResultMsg>(&m)) read_payload(r->value);
  if (auto* f = std::get_if<FailureMsg>(&m)) {
    volatile std::size_t sink = touch(f->failure.type) + touch(f->failure.what) + touch(f->failure.task_name);
    (void)sink;
  }
  return 0;
}
