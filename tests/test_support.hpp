#pragma once
// Shared helpers of the core runtime tests: worker counts, a seeded hash, an env-var guard.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

namespace canopy_test {

/// Every correctness test runs at 1 worker (no stealing at all), 2 (one per core of the test machine)
/// and 8 (oversubscribed: threads are preempted at random points, which is what finds races).
#define CANOPY_WORKER_COUNTS() GENERATE(1, 2, 8)

/// peek reads a region's data once every task has finished (rt.run returned): tasks get accessors only
/// from their parameters and ctx.access, which order them; a test looks at the result from outside.
template <class T, int N>
canopy::Read<T, N> peek(const canopy::Region<T, N>& r) {
  return canopy::detail::AccessorFactory::make<canopy::Read<T, N>>(r, nullptr);
}

/// runtime_config is the Config of a test runtime with `w` workers.
inline canopy::Config runtime_config(int w) {
  canopy::Config cfg;
  cfg.workers = w;
  return cfg;
}

/// mix is splitmix64's finaliser: a cheap, well-spread hash used to derive seeds and checksums.
constexpr std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// EnvGuard sets (or unsets) an environment variable for its lifetime and restores the old value.
class EnvGuard {
 public:
  EnvGuard(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~EnvGuard() {
    if (old_) ::setenv(name_.c_str(), old_->c_str(), 1);
    else ::unsetenv(name_.c_str());
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

/// busy spins for about `n` iterations so that a task lasts long enough to be stolen.
inline std::uint64_t busy(std::uint64_t n, std::uint64_t seed = 1) {
  volatile std::uint64_t x = seed;
  for (std::uint64_t i = 0; i < n; ++i) x = x * 6364136223846793005ull + 1442695040888963407ull;
  return x;
}

}  // namespace canopy_test
