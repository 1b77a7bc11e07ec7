// Core runtime: configuration. --canopy:* flags are parsed and stripped from argv; bad values throw
// canopy::Error with a message that names the setting and the value; CANOPY_* environment variables are
// honoured. Each TEST_CASE is its own process under ctest, and EnvGuard restores what it changes.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "tree_workloads.hpp"

using namespace canopy_test;
using Catch::Matchers::Contains;

namespace {

/// Args owns a mutable argv for Runtime(argc, argv).
struct Args {
  std::vector<std::string> storage;
  std::vector<char*> ptrs;
  int argc = 0;
  explicit Args(std::vector<std::string> a) : storage(std::move(a)) {
    for (auto& s : storage) ptrs.push_back(s.data());
    ptrs.push_back(nullptr);
    argc = static_cast<int>(storage.size());
  }
  char** argv() { return ptrs.data(); }
  std::vector<std::string> remaining() const {
    std::vector<std::string> out;
    for (int i = 0; i < argc; ++i) out.emplace_back(ptrs[static_cast<std::size_t>(i)]);
    return out;
  }
};

/// error_of runs `make` and returns the what() of the canopy::Error it throws ("" if none).
template <class F>
std::string error_of(F make) {
  try {
    make();
  } catch (const canopy::Error& e) {
    return e.what();
  }
  return "";
}

/// Clear CANOPY_* variables that a developer's shell might set, so the tests see only their own.
struct CleanEnv {
  EnvGuard w{"CANOPY_WORKERS", nullptr}, t{"CANOPY_TRACE", nullptr}, l{"CANOPY_LOG", nullptr},
      s{"CANOPY_STACK_SIZE", nullptr}, topo{"CANOPY_TOPOLOGY", nullptr}, p{"CANOPY_PIN", nullptr},
      f{"CANOPY_MAX_FIBERS", nullptr};
};

}  // namespace

TEST_CASE("canopy flags are applied and stripped from argv", "[core][config]") {
  CleanEnv clean;
  Args a({"prog", "--canopy:workers", "3", "input.txt", "--canopy:log=error", "-v", "--canopy:stack-size", "16M",
          "--canopy:pin=off", "--other", "--canopy:topology", "package:1 core:3 pu:1"});
  canopy::Runtime rt(a.argc, a.argv());
  CHECK(a.remaining() == std::vector<std::string>{"prog", "input.txt", "-v", "--other"});
  CHECK(a.argv()[a.argc] == nullptr);
  CHECK(rt.workers() == 3);
  CHECK(rt.config().workers == 3);
  CHECK(rt.config().log_level == "error");
  CHECK(rt.config().stack_size == std::size_t{16} << 20);
  CHECK_FALSE(rt.config().pin_workers);
  CHECK(rt.config().topology == "package:1 core:3 pu:1");
  CHECK(rt.run(fib_task, 15) == 610);
}

TEST_CASE("Runtime(argc, argv) without canopy flags leaves argv alone", "[core][config]") {
  CleanEnv clean;
  Args a({"prog", "a", "--b", "-c=4"});
  canopy::Config base;
  base.workers = 2;
  canopy::Runtime rt(a.argc, a.argv(), base);
  CHECK(a.remaining() == std::vector<std::string>{"prog", "a", "--b", "-c=4"});
  CHECK(rt.workers() == 2);
  Args only({"prog"});
  canopy::Runtime rt1(only.argc, only.argv(), base);
  CHECK(only.argc == 1);
}

TEST_CASE("bad flag values throw canopy::Error naming the flag and the value", "[core][config]") {
  CleanEnv clean;
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> mentions;
  };
  const std::vector<Case> cases = {
      {{"p", "--canopy:workers", "abc"}, {"--canopy:workers", "abc"}},
      {{"p", "--canopy:workers=-2"}, {"--canopy:workers", "-2"}},
      {{"p", "--canopy:workers", "3x"}, {"--canopy:workers", "3x"}},
      {{"p", "--canopy:workers", ""}, {"--canopy:workers"}},
      {{"p", "--canopy:workers"}, {"--canopy:workers", "value"}},
      {{"p", "--canopy:stack-size", "1K"}, {"--canopy:stack-size", "1K"}},
      {{"p", "--canopy:stack-size", "lots"}, {"--canopy:stack-size", "lots"}},
      {{"p", "--canopy:pin", "maybe"}, {"--canopy:pin", "maybe"}},
      {{"p", "--canopy:log", "chatty"}, {"chatty"}},
      {{"p", "--canopy:wrokers", "2"}, {"--canopy:wrokers"}},
      {{"p", "--canopy:max-fibers", "0"}, {"--canopy:max-fibers", "0"}},
      {{"p", "--canopy:max-fibers=lots"}, {"--canopy:max-fibers", "lots"}},
  };
  for (const Case& c : cases) {
    Args a(c.args);
    std::string what = error_of([&] { canopy::Runtime rt(a.argc, a.argv()); });
    INFO("args: " << c.args.back() << " -> what(): '" << what << "'");
    REQUIRE_FALSE(what.empty());
    for (const std::string& m : c.mentions) CHECK_THAT(what, Contains(m));
  }
}

TEST_CASE("a bad topology is a canopy::Error too", "[core][config]") {
  CleanEnv clean;
  Args a({"p", "--canopy:topology", "package:banana"});
  std::string what;
  try {
    canopy::Runtime rt(a.argc, a.argv());
  } catch (const canopy::Error& e) {
    what = e.what();
  } catch (const std::exception& e) {
    FAIL("threw a std::exception that is not a canopy::Error: " << e.what());
  }
  CHECK_THAT(what, Contains("package:banana"));
  canopy::Config cfg;
  cfg.topology = "/nonexistent/topology.xml";
  CHECK_THROWS_AS(canopy::Runtime(cfg), canopy::Error);
}

TEST_CASE("CANOPY_WORKERS and the other CANOPY_ variables are honoured", "[core][config]") {
  CleanEnv clean;
  {
    EnvGuard g("CANOPY_WORKERS", "3");
    canopy::Runtime rt;
    CHECK(rt.workers() == 3);
    CHECK(rt.run(fib_task, 12) == 144);
  }
  {
    EnvGuard g("CANOPY_WORKERS", "5");
    canopy::Runtime rt(runtime_config(2));  // the environment overrides the Config field
    CHECK(rt.workers() == 5);
  }
  {
    EnvGuard g1("CANOPY_STACK_SIZE", "2M"), g2("CANOPY_PIN", "no"), g3("CANOPY_LOG", "off");
    canopy::Runtime rt(runtime_config(1));
    CHECK(rt.config().stack_size == std::size_t{2} << 20);
    CHECK_FALSE(rt.config().pin_workers);
    CHECK(rt.config().log_level == "off");
  }
}

TEST_CASE("bad CANOPY_ environment values throw canopy::Error naming the variable", "[core][config]") {
  CleanEnv clean;
  const std::vector<std::pair<const char*, const char*>> bad = {
      {"CANOPY_WORKERS", "many"}, {"CANOPY_WORKERS", "-1"},   {"CANOPY_WORKERS", "99999999"},
      {"CANOPY_STACK_SIZE", "10"}, {"CANOPY_PIN", "perhaps"}, {"CANOPY_LOG", "loud"},
      {"CANOPY_MAX_FIBERS", "-5"}, {"CANOPY_MAX_FIBERS", "1e6"}};
  for (auto [var, value] : bad) {
    EnvGuard g(var, value);
    std::string what = error_of([] { canopy::Runtime rt; });
    INFO(var << "=" << value << " -> what(): '" << what << "'");
    REQUIRE_FALSE(what.empty());
    CHECK_THAT(what, Contains(value));
    if (std::string(var) != "CANOPY_LOG") CHECK_THAT(what, Contains(var));
  }
}

TEST_CASE("flags override CANOPY_ environment variables", "[core][config]") {
  CleanEnv clean;
  EnvGuard g("CANOPY_WORKERS", "3");
  Args a({"prog", "--canopy:workers", "2"});
  canopy::Runtime rt(a.argc, a.argv());
  CHECK(rt.workers() == 2);
}

TEST_CASE("workers = 0 means one per core", "[core][config]") {
  CleanEnv clean;
  canopy::Runtime rt(runtime_config(0));
  CHECK(rt.workers() >= 1);
  CHECK(rt.workers() <= static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  CHECK(rt.config().workers == rt.workers());
  CHECK(rt.run(fib_task, 15) == 610);
}

TEST_CASE("bad Config fields are refused with canopy::Error", "[core][config]") {
  CleanEnv clean;
  canopy::Config negative;
  negative.workers = -4;
  CHECK_THROWS_AS(canopy::Runtime(negative), canopy::Error);
  canopy::Config tiny;
  tiny.workers = 1;
  tiny.stack_size = 1024;  // far too small to run a task: the flag refuses anything under 64K
  CHECK_THROWS_AS(canopy::Runtime(tiny), canopy::Error);
  canopy::Config no_fibers;
  no_fibers.max_fibers = 0;
  CHECK_THROWS_WITH(canopy::Runtime(no_fibers), Contains("max_fibers"));
}
