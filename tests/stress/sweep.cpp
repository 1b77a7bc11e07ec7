// The sweep: every seed on 1, 2 and 8 workers, and some on two synthetic sockets, each against the
// serial reference. A failure or a hang names the seed and the command that replays it.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "parallel.hpp"
#include "sweep.hpp"

namespace stress {

namespace {

using Clock = std::chrono::steady_clock;

/// Configuration: a runtime the seeds run on. 8 workers oversubscribe a 2-core machine, which is
/// what makes threads lose their core at random points.
struct Configuration {
  const char* name;
  int workers;
  const char* topology;
  std::uint64_t every;  // the seeds with seed % every == offset run on it
  std::uint64_t offset;
};
constexpr Configuration kConfigurations[] = {
    {"1 worker", 1, "", 1, 0},
    {"2 workers", 2, "", 1, 0},
    {"8 workers", 8, "", 1, 0},
    {"2 sockets, 2 workers", 2, "package:2 core:2 pu:1", 8, 0},
    {"2 sockets, 8 workers", 8, "package:2 core:2 pu:1", 8, 4},
};
constexpr std::size_t kConfigs = sizeof(kConfigurations) / sizeof(kConfigurations[0]);
constexpr double kRunTimeoutSeconds = 120;

// Under a sanitizer a new fiber costs milliseconds (the shadow of its stack is reset) and some thousands
// of them exhaust ThreadSanitizer's allocator: gates stay small there, whatever the environment asks.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define STRESS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define STRESS_SANITIZED 1
#endif
#endif
#ifdef STRESS_SANITIZED
constexpr std::uint32_t kMaxParkedCeiling = 64;
#else
constexpr std::uint32_t kMaxParkedCeiling = std::numeric_limits<std::uint32_t>::max();
#endif

std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

std::string self_path() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("<this test binary>");
}

std::string replay_line(std::uint64_t seed) { return "replay: CANOPY_SEED=" + std::to_string(seed) + " " + self_path(); }

/// CrashNote names the run in progress when the process dies of a signal (a crash in the runtime, an
/// abort), then hands the signal on to the handler that was there before (the runtime's overflow
/// reporter, Catch's report), with the same siginfo, so that they still see the fault itself.
class CrashNote {
 public:
  CrashNote() {
    struct sigaction sa {};
    sa.sa_sigaction = &on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;  // a stack overflow leaves only the alternate stack
    sigemptyset(&sa.sa_mask);
    for (int sig : kSignals) sigaction(sig, &sa, &previous_[sig]);
  }
  ~CrashNote() {
    for (int sig : kSignals) sigaction(sig, &previous_[sig], nullptr);
  }
  CrashNote(const CrashNote&) = delete;
  CrashNote& operator=(const CrashNote&) = delete;
  void set(const std::string& note) {
    length_ = 0;
    const std::size_t n = std::min(note.size(), sizeof(text_));
    note.copy(text_, n);
    length_ = n;
  }
  static void clear() { length_ = 0; }

 private:
  static constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
  static void on_signal(int sig, siginfo_t* info, void* context) {
    if (const std::size_t n = length_) (void)!::write(2, text_, n);
    length_ = 0;
    const struct sigaction& p = previous_[sig];
    sigaction(sig, &p, nullptr);
    if ((p.sa_flags & SA_SIGINFO) && p.sa_sigaction) p.sa_sigaction(sig, info, context);
    else if (p.sa_handler != SIG_DFL && p.sa_handler != SIG_IGN && p.sa_handler) p.sa_handler(sig);
    // Otherwise the default action: a fault comes back at once, abort() raises again.
  }
  static inline char text_[600];
  static inline volatile std::sig_atomic_t length_ = 0;
  static inline struct sigaction previous_[NSIG];
};

/// Watchdog turns a run that never ends (a hang, a lost wake-up, a deadlock nobody detects) into a
/// report with the seed; one thread serves the whole sweep.
class Watchdog {
 public:
  Watchdog() : thread_([this] { main(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lk(m_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void arm(std::string what) {
    std::lock_guard<std::mutex> lk(m_);
    what_ = std::move(what);
    deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kRunTimeoutSeconds));
    armed_ = true;
    cv_.notify_one();
  }
  void disarm() {
    std::lock_guard<std::mutex> lk(m_);
    armed_ = false;
  }

 private:
  void main() {
    std::unique_lock<std::mutex> lk(m_);
    while (!stop_) {
      if (!armed_) {
        cv_.wait(lk);
        continue;
      }
      if (cv_.wait_until(lk, deadline_) == std::cv_status::timeout && armed_ && Clock::now() >= deadline_) {
        std::fprintf(stderr, "%s\n", what_.c_str());
        std::fflush(stderr);
        CrashNote::clear();  // the message above says it already
        std::abort();
      }
    }
  }
  std::mutex m_;
  std::condition_variable cv_;
  std::string what_;
  Clock::time_point deadline_;
  bool armed_ = false;
  bool stop_ = false;
  std::thread thread_;
};

/// Census counts what the passing programs exercised, so that a summary shows the features ran.
struct Census {
  std::uint64_t tasks = 0, threw = 0, region_ops = 0, regions = 0, blocking = 0, probes = 0, rethrows = 0, passed = 0,
                dropped = 0, placed = 0, index_launches = 0, gates = 0, parked = 0;
  void add(const Node& n, const Result& ref) {
    ++tasks;
    threw += ref.nodes[n.id].kind == Outcome::boom;
    region_ops += n.priv != Priv::none;
    regions += n.region > 0;
    blocking += n.blocking;
    probes += n.probe;
    rethrows += n.throws == Throw::after_park;
    passed += n.inputs.size();
    dropped += n.use == Use::drop_now || n.use == Use::drop_later;
    placed += n.place != Place::anywhere;
    index_launches += n.order == Order::index_launch && !n.children.empty();
    gates += n.gate_waiters > 0;
    parked += n.gate_waiters;
    for (const Node& c : n.children) add(c, ref);
  }
  std::string str() const {
    std::ostringstream s;
    s << tasks << " tasks (" << threw << " threw), " << region_ops << " region ops on " << regions << " regions, " << blocking
      << " blocking sections, " << probes << " unwind probes, " << rethrows << " rethrows after a park, " << passed
      << " futures passed to siblings, " << dropped << " dropped, " << placed << " placed spawns, " << index_launches
      << " index launches, " << gates << " gate(s) parking " << parked << " tasks";
    return s.str();
  }
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

SweepOptions from_env(SweepOptions o) {
  o.first = env_u64("CANOPY_FIRST_SEED", o.first);
  o.count = env_u64("CANOPY_SEEDS", o.count);
  if (const char* s = std::getenv("CANOPY_STRESS_SECONDS"); s && *s) o.seconds = std::strtod(s, nullptr);
  o.soak = env_u64("CANOPY_SOAK", o.soak ? 1 : 0) != 0;
  o.repeat = static_cast<int>(env_u64("CANOPY_STRESS_REPEAT", static_cast<std::uint64_t>(o.repeat)));
  o.gen.max_parked = static_cast<std::uint32_t>(std::min<std::uint64_t>(env_u64("CANOPY_STRESS_MAX_PARKED", o.gen.max_parked), kMaxParkedCeiling));
  if (const char* s = std::getenv("CANOPY_SEED"); s && *s) {
    o.first = std::strtoull(s, nullptr, 10);
    o.count = 1;
    o.single = true;
    o.soak = false;
  }
  return o;
}

SweepReport sweep(const SweepOptions& o) {
  SweepReport report;
  std::unique_ptr<canopy::Runtime> runtimes[kConfigs];
  for (std::size_t k = 0; k < kConfigs; ++k) {
    canopy::Config cfg;
    cfg.workers = kConfigurations[k].workers;
    cfg.topology = kConfigurations[k].topology;
    runtimes[k] = std::make_unique<canopy::Runtime>(cfg);
  }
  Watchdog watchdog;
  CrashNote crash_note;
  std::uint64_t runs[kConfigs] = {};
  std::uint64_t seeds = 0;
  Census census;
  const Clock::time_point start = Clock::now();
  Clock::time_point last_progress = start;
  bool out_of_time = false;
  const int repeat = o.repeat < 1 ? 1 : o.repeat;

  for (std::uint64_t seed = o.first; o.soak || seed - o.first < o.count; ++seed) {
    if (!o.soak && !o.single && seconds_since(start) >= o.seconds) {
      out_of_time = true;
      break;
    }
    const Program p = generate(seed, o.gen);
    if (o.single) std::printf("%s", describe(p).c_str());
    const Result want = run_reference(p);
    for (std::size_t k = 0; k < kConfigs; ++k) {
      const Configuration& c = kConfigurations[k];
      if (!o.single && seed % c.every != c.offset) continue;
      for (int rep = 0; rep < repeat; ++rep) {
        watchdog.arm("seed " + std::to_string(seed) + " failed: no result after " + std::to_string(int(kRunTimeoutSeconds)) +
                     " s on " + c.name + " (a hang or an undetected deadlock)\n" + replay_line(seed));
        crash_note.set("seed " + std::to_string(seed) + " failed: a fatal signal while it ran on " + c.name + "\n" +
                       replay_line(seed) + "\n");
        const Clock::time_point t0 = Clock::now();
        const Result got = run_parallel(*runtimes[k], p);
        watchdog.disarm();
        if (o.single) std::printf("seed %llu on %s: %.1f ms\n", static_cast<unsigned long long>(seed), c.name, 1e3 * seconds_since(t0));
        ++runs[k];
        const std::string diff = compare(p, want, got);
        if (diff.empty()) continue;
        // How often it comes back tells a race from a wrong answer.
        int again = 0;
        for (int r = 0; r < 20; ++r) {
          watchdog.arm("seed " + std::to_string(seed) + " failed, then hung while rerunning it on " + c.name + "\n" + replay_line(seed));
          again += !compare(p, want, run_parallel(*runtimes[k], p)).empty();
          watchdog.disarm();
        }
        std::ostringstream f;
        f << "seed " << seed << " failed: on " << c.name << " (" << runtimes[k]->workers() << " workers), run " << rep + 1
          << ":\n" << diff << "it failed again in " << again << " of 20 reruns on the same runtime\n";
        if (!o.single)  // the replay printed it already
          f << (p.nodes <= 400 ? describe(p) : "(" + std::to_string(p.nodes) + " tasks: the replay prints the program)\n");
        f << replay_line(seed) << (again < 20 ? " (add CANOPY_STRESS_REPEAT=100 for a race)" : "") << '\n';
        report.passed = false;
        report.failure = f.str();
        std::fprintf(stderr, "%s", report.failure.c_str());
        std::fflush(stderr);
        break;
      }
      if (!report.passed) break;
    }
    if (!report.passed) break;
    ++seeds;
    census.add(p.root, want);
    if (o.soak && seconds_since(last_progress) >= 10) {
      last_progress = Clock::now();
      std::printf("soak: %llu seeds [%llu, %llu) passed in %.0f s, %llu tasks\n", static_cast<unsigned long long>(seeds),
                  static_cast<unsigned long long>(o.first), static_cast<unsigned long long>(seed + 1), seconds_since(start),
                  static_cast<unsigned long long>(census.tasks));
      std::fflush(stdout);
    }
  }

  std::ostringstream s;
  s << "random stress: " << seeds << " seed(s) passed, [" << o.first << ", " << o.first + seeds << "), in " << seconds_since(start)
    << " s; runs:";
  for (std::size_t k = 0; k < kConfigs; ++k) s << (k ? "," : "") << ' ' << runs[k] << " on " << kConfigurations[k].name;
  if (out_of_time) s << "; stopped by the time bound of " << o.seconds << " s (CANOPY_STRESS_SECONDS)";
  s << "\n  the programs had " << census.str();
  report.summary = s.str();
  return report;
}

}  // namespace stress
