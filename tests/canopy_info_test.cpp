// canopy::system_info and canopy::to_json: topology from synthetic and XML descriptions, worker
// placement, versions, GPUs, UCX transports, and JSON that parses.
#include <canopy/canopy.hpp>
#include <catch2/catch.hpp>
#include <hwloc.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

namespace {

/// JsonChecker is a strict recursive-descent JSON (RFC 8259) validator.
class JsonChecker {
 public:
  explicit JsonChecker(const std::string& text) : s_(text) {}
  /// valid says whether the whole text is one JSON value; error() then says where it is not.
  bool valid() {
    try {
      space();
      value();
      space();
      if (i_ != s_.size()) fail("trailing characters");
      return true;
    } catch (const std::string& e) {
      error_ = e;
      return false;
    }
  }
  const std::string& error() const { return error_; }

 private:
  [[noreturn]] void fail(const std::string& what) { throw what + " at offset " + std::to_string(i_); }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  void literal(const char* word) {
    for (const char* p = word; *p; ++p) expect(*p);
  }
  void value() {
    char c = peek();
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') return string();
    if (c == 't') return literal("true");
    if (c == 'f') return literal("false");
    if (c == 'n') return literal("null");
    number();
  }
  void object() {
    expect('{');
    space();
    if (peek() == '}') return void(++i_);
    for (;;) {
      space();
      string();
      space();
      expect(':');
      space();
      value();
      space();
      if (peek() == '}') return void(++i_);
      expect(',');
    }
  }
  void array() {
    expect('[');
    space();
    if (peek() == ']') return void(++i_);
    for (;;) {
      space();
      value();
      space();
      if (peek() == ']') return void(++i_);
      expect(',');
    }
  }
  void string() {
    expect('"');
    for (;;) {
      if (i_ >= s_.size()) fail("unterminated string");
      auto c = static_cast<unsigned char>(s_[i_++]);
      if (c == '"') return;
      if (c < 0x20) fail("raw control character in a string");
      if (c != '\\') continue;
      char e = peek();
      ++i_;
      if (e == 'u') {
        for (int k = 0; k < 4; ++k, ++i_)
          if (!std::isxdigit(static_cast<unsigned char>(peek()))) fail("bad \\u escape");
      } else if (std::string("\"\\/bfnrt").find(e) == std::string::npos) {
        fail("bad escape");
      }
    }
  }
  void number() {
    std::size_t start = i_;
    if (peek() == '-') ++i_;
    if (peek() == '0') {
      ++i_;
    } else {
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("expected a value");
      while (std::isdigit(static_cast<unsigned char>(peek()))) ++i_;
    }
    if (peek() == '.') {
      ++i_;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("bad fraction");
      while (std::isdigit(static_cast<unsigned char>(peek()))) ++i_;
    }
    if (i_ == start) fail("expected a value");
  }

  const std::string& s_;
  std::size_t i_ = 0;
  std::string error_;
};

bool valid_json(const std::string& text) {
  JsonChecker check(text);
  bool ok = check.valid();
  if (!ok) UNSCOPED_INFO("invalid JSON: " << check.error() << "\n" << text);
  return ok;
}

const canopy::SystemInfo::Dependency* find_dependency(const canopy::SystemInfo& info, const std::string& name) {
  for (const auto& d : info.dependencies)
    if (d.name == name) return &d;
  return nullptr;
}

/// NoCanopyEnv clears the variables that change system_info's defaults for the test's lifetime.
struct NoCanopyEnv {
  NoCanopyEnv() {
    unsetenv("CANOPY_WORKERS");
    unsetenv("CANOPY_TOPOLOGY");
  }
  ~NoCanopyEnv() {
    unsetenv("CANOPY_WORKERS");
    unsetenv("CANOPY_TOPOLOGY");
  }
};

}  // namespace

TEST_CASE("system_info reads a synthetic topology", "[system_info]") {
  NoCanopyEnv clean;
  canopy::SystemInfo info = canopy::system_info("package:2 core:4 pu:1");
  const auto& t = info.topology;
  CHECK(t.source == "synthetic");
  CHECK(t.description == "package:2 core:4 pu:1");
  CHECK(t.sockets == 2);
  CHECK(t.cores == 8);
  CHECK(t.pus == 8);
  CHECK(t.numa_nodes == 1);
  CHECK(t.cores_per_socket == std::vector<int>{4, 4});

  // Default: one worker per core, socket 0's workers first, each on its own core and PU.
  REQUIRE(info.workers.size() == 8);
  std::set<int> cores, pus;
  for (std::size_t w = 0; w < info.workers.size(); ++w) {
    CHECK(info.workers[w].worker == static_cast<int>(w));
    CHECK(info.workers[w].socket == static_cast<int>(w / 4));
    cores.insert(info.workers[w].core);
    pus.insert(info.workers[w].pu);
  }
  CHECK(cores.size() == 8);
  CHECK(pus.size() == 8);
}

TEST_CASE("system_info places the requested number of workers", "[system_info]") {
  NoCanopyEnv clean;
  SECTION("fewer workers than cores spread over both sockets") {
    canopy::SystemInfo info = canopy::system_info("package:2 core:4 pu:2", 3);
    CHECK(info.topology.pus == 16);
    REQUIRE(info.workers.size() == 3);
    CHECK(std::is_sorted(info.workers.begin(), info.workers.end(),
                         [](const auto& a, const auto& b) { return a.socket < b.socket; }));
    CHECK(info.workers.front().socket == 0);
    CHECK(info.workers.back().socket == 1);
  }
  SECTION("CANOPY_WORKERS and CANOPY_TOPOLOGY are the defaults, as for the runtime") {
    setenv("CANOPY_WORKERS", "5", 1);
    setenv("CANOPY_TOPOLOGY", "package:2 core:3 pu:1", 1);
    canopy::SystemInfo info = canopy::system_info();
    CHECK(info.topology.description == "package:2 core:3 pu:1");
    CHECK(info.topology.cores == 6);
    CHECK(info.workers.size() == 5);
    CHECK(canopy::system_info("", 2).workers.size() == 2);  // an explicit count wins
    CHECK(canopy::system_info("package:1 core:2 pu:1").topology.cores == 2);
  }
  SECTION("more workers than cores reuse every core") {
    canopy::SystemInfo info = canopy::system_info("package:2 core:4 pu:1", 12);
    REQUIRE(info.workers.size() == 12);
    std::set<int> cores;
    for (const auto& w : info.workers) cores.insert(w.core);
    CHECK(cores.size() == 8);
  }
}

TEST_CASE("system_info reads an hwloc XML file", "[system_info]") {
  NoCanopyEnv clean;
  // Export a synthetic machine to XML with hwloc itself, then read it back through the public API.
  auto path = std::filesystem::temp_directory_path() / "canopy_info_test_topology.xml";
  hwloc_topology_t topo;
  REQUIRE(hwloc_topology_init(&topo) == 0);
  REQUIRE(hwloc_topology_set_synthetic(topo, "package:2 core:2 pu:2") == 0);
  REQUIRE(hwloc_topology_load(topo) == 0);
  REQUIRE(hwloc_topology_export_xml(topo, path.c_str(), 0) == 0);
  hwloc_topology_destroy(topo);

  canopy::SystemInfo info = canopy::system_info(path.string());
  std::filesystem::remove(path);
  CHECK(info.topology.source == "xml");
  CHECK(info.topology.description == path.string());
  CHECK(info.topology.sockets == 2);
  CHECK(info.topology.cores == 4);
  CHECK(info.topology.pus == 8);
  CHECK(info.workers.size() == 4);
}

TEST_CASE("system_info rejects what it cannot use", "[system_info]") {
  CHECK_THROWS_AS(canopy::system_info("not a topology"), canopy::Error);
  CHECK_THROWS_AS(canopy::system_info("/nonexistent/canopy.xml"), canopy::Error);
  CHECK_THROWS_AS(canopy::system_info("package:1 core:1", -1), canopy::Error);
  CHECK_THROWS_AS(canopy::system_info("package:1 core:1", 5000), canopy::Error);
}

TEST_CASE("system_info reports the build, its libraries, the GPUs and UCX", "[system_info]") {
  NoCanopyEnv clean;
  canopy::SystemInfo info = canopy::system_info("package:1 core:2 pu:1");
  CHECK(info.version == CANOPY_VERSION_STRING);
  CHECK_FALSE(info.compiler.empty());
  for (const char* name : {"hwloc", "ucx", "boost", "spdlog", "fmt"}) {
    INFO(name);
    const auto* dep = find_dependency(info, name);
    REQUIRE(dep != nullptr);
    CHECK_FALSE(dep->build.empty());
  }
  CHECK(find_dependency(info, "ucx")->runtime == info.ucx_version);
  CHECK((find_dependency(info, "cuda_runtime") != nullptr) == info.built_with_cuda);

  CHECK(info.gpu_count == canopy::gpu_count());
  CHECK(info.gpu_status == canopy::gpu_status());
  if (info.built_with_cuda) CHECK(info.gpus.size() == static_cast<std::size_t>(info.gpu_count));
  for (const auto& g : info.gpus) {
    CHECK_FALSE(g.name.empty());
    CHECK(g.memory_bytes > 0);
    CHECK_FALSE(g.pci_bus_id.empty());
  }

  // Every UCX build has the loop-back transport; shared memory needs no hardware either.
  CHECK_FALSE(info.ucx_version.empty());
  CHECK(info.ucx_error.empty());
  auto has = [&](const std::string& tl) {
    return std::any_of(info.ucx_transports.begin(), info.ucx_transports.end(),
                       [&](const auto& t) { return t.transport == tl; });
  };
  CHECK(has("self"));
  for (const auto& t : info.ucx_transports) {
    CHECK_FALSE(t.device.empty());
    CHECK((t.type == "net" || t.type == "shm" || t.type == "acc" || t.type == "self"));
  }
}

TEST_CASE("to_json writes valid JSON with stable keys", "[system_info][json]") {
  NoCanopyEnv clean;
  canopy::SystemInfo info = canopy::system_info("package:2 core:4 pu:1");
  std::string json = canopy::to_json(info);
  REQUIRE(valid_json(json));
  for (const char* key : {"\"canopy\": {", "\"version\": \"" CANOPY_VERSION_STRING "\"", "\"dependencies\": {",
                          "\"topology\": {", "\"source\": \"synthetic\"", "\"sockets\": 2,", "\"cores\": 8,",
                          "\"pus\": 8,", "\"cores_per_socket\": [4, 4]", "\"workers\": [",
                          "{\"worker\": 7, \"socket\": 1,", "\"gpus\": {", "\"count\": ", "\"devices\": [",
                          "\"ucx\": {", "\"transports\": [", "\"transport\": \"self\""}) {
    INFO(key);
    CHECK(json.find(key) != std::string::npos);
  }
}

TEST_CASE("to_json escapes strings and handles empty lists", "[system_info][json]") {
  canopy::SystemInfo info;  // nothing filled in: empty lists, empty strings
  REQUIRE(valid_json(canopy::to_json(info)));

  info.gpu_status = "quote \" backslash \\ newline \n tab \t bell \x07 bad \xff utf-8 \xc3\xa9 end";
  info.topology.description = "/tmp/\xe2\x82";  // truncated UTF-8 sequence
  info.gpus.push_back({0, "GPU \"zero\"", 1ull << 34, "0000:19:00.0", "9.0"});
  std::string json = canopy::to_json(info);
  REQUIRE(valid_json(json));
  CHECK(json.find(R"(quote \" backslash \\ newline \n tab \t bell \u0007 bad \ufffd utf-8 )"
                  "\xc3\xa9 end") != std::string::npos);
  CHECK(json.find(R"("description": "/tmp/\ufffd\ufffd")") != std::string::npos);
  CHECK(json.find(R"("name": "GPU \"zero\"", "memory_bytes": 17179869184)") != std::string::npos);
}
