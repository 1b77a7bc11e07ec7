// Writes the seed corpus of message_fuzzer: valid messages of every kind, spawns and results whose
// payloads are the argument types the fuzzer reads, and a few broken messages that decode() must
// refuse. Usage: make_corpus DIR (scripts/fuzz does not run it; rerun it when the format changes).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "canopy/serialize.hpp"
#include "comm/message.hpp"

using namespace canopy::comm;

namespace {

std::string dir;

void save(const std::string& name, const Bytes& bytes) {
  std::string path = dir + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) {
    std::perror(path.c_str());
    std::exit(1);
  }
}

template <class T>
Bytes payload(const T& v) {
  canopy::Writer out;
  out.write(v);
  return out.take();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  const std::vector<std::pair<std::string, Bytes>> payloads = {
      {"empty", {}},
      {"string", payload(std::string("hello, rank 1"))},
      {"vecvec", payload(std::vector<std::vector<int>>{{1, 2, 3}, {}, {-4}})},
      {"tuple", payload(std::tuple<int, double, std::string>{42, 2.5, "fib"})},
      {"optpairs", payload(std::vector<std::optional<std::pair<bool, std::string>>>{std::nullopt, {{true, "x"}}})},
  };
  for (const auto& [name, p] : payloads) {
    save("spawn-" + name, encode(SpawnMsg{17, 3, {0x1234, 0x40}, {0x1234, 0x80}, p}));
    save("result-" + name, encode(ResultMsg{17, p}));
  }
  save("failure", encode(FailureMsg{17, {"std::runtime_error", "boom", "fib(canopy::Context&, int)", 1}}));
  save("fetch", encode(FetchMsg{5, 6, {0x1234, 0xc0}}));
  save("release", encode(ReleaseMsg{5}));
  save("run-end", encode(RunEndMsg{1}));

  Bytes spawn = encode(SpawnMsg{17, 3, {1, 2}, {3, 4}, payloads[3].second});
  Bytes b(spawn.begin(), spawn.begin() + 20);
  save("invalid-truncated", b);
  b = spawn;
  b[0] = std::byte{0};
  save("invalid-magic", b);
  b = spawn;
  b[5] = std::byte{9};
  save("invalid-kind", b);
  b = spawn;
  std::uint32_t huge = 0xfffffff0;
  std::memcpy(b.data() + 12 + 44, &huge, 4);
  save("invalid-args-length", b);
  b = spawn;
  b.push_back(std::byte{0});
  save("invalid-trailing", b);
  b = encode(ResultMsg{1, payload(std::uint64_t{1} << 60)});
  save("result-huge-vector-length", b);
  return 0;
}
