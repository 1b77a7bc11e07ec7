#pragma once
// x86-TSO (Owens, Sarkar and Sewell, TPHOLs'09) and an explorer of every interleaving of a small model
// over it (issue 10). The deque and the sleeper protocol are written for x86, where the C++ orders
// compile to: every load a mov; relaxed and release stores a mov, which waits in the thread's store
// buffer; seq_cst stores and exchanges an xchg, a locked instruction that first empties the buffer;
// seq_cst fences an mfence. The model checks that compiled form in program order, not the C++ abstract
// machine (a compiler may still move relaxed accesses; ThreadSanitizer and review cover that).
#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace canopy::model {

using Word = std::int8_t;  // values are small indices, task ids and flags: small states hash fast
inline constexpr int kThreads = 3;
inline constexpr int kLocations = 24;
// Real store buffers hold ~50 stores; a scenario that overflows this one throws rather than stall,
// so that the bound never silently removes behaviours.
inline constexpr int kBufferCapacity = 24;

/// Tso is the shared half of a model state: memory, and each thread's FIFO store buffer.
struct Tso {
  Word mem[kLocations];
  Word pending[kThreads];  // stores waiting in each buffer, oldest at index 0
  Word loc[kThreads][kBufferCapacity];
  Word val[kThreads][kBufferCapacity];

  /// view is what thread t's load of l returns: its own newest buffered store to l, else memory.
  Word view(int t, int l) const {
    for (int k = pending[t] - 1; k >= 0; --k)
      if (loc[t][k] == l) return val[t][k];
    return mem[l];
  }
  /// drain_one moves thread t's oldest buffered store to memory.
  void drain_one(int t) {
    mem[loc[t][0]] = val[t][0];
    int n = pending[t] - 1;
    for (int k = 0; k < n; ++k) loc[t][k] = loc[t][k + 1], val[t][k] = val[t][k + 1];
    loc[t][n] = val[t][n] = 0;  // unused entries stay zero: states compare and hash by their bytes
    pending[t] = static_cast<Word>(n);
  }
  void drain(int t) {
    while (pending[t] > 0) drain_one(t);
  }
};

/// Cpu is one thread's access to the machine during one step; it narrates the step when traced.
class Cpu {
 public:
  Cpu(Tso& m, int t, std::string* trace, const std::vector<std::string>& names)
      : m_(m), t_(t), trace_(trace), names_(names) {}

  Word load(int l, const char* src) {
    access();
    Word v = m_.view(t_, l);
    if (trace_) say(src, "load " + names_[l] + " = " + std::to_string(v));
    return v;
  }
  /// store is a mov: the store waits in this thread's buffer.
  void store(int l, int v, const char* src) {
    access();
    int n = m_.pending[t_];
    if (n == kBufferCapacity) throw std::logic_error("model: store buffer overflow, raise kBufferCapacity");
    m_.loc[t_][n] = static_cast<Word>(l);
    m_.val[t_][n] = static_cast<Word>(v);
    m_.pending[t_] = static_cast<Word>(n + 1);
    if (trace_) say(src, "store " + names_[l] + " = " + std::to_string(v) + " (buffered)");
  }
  /// store_locked is an xchg (a seq_cst store): the buffer empties, then memory takes the value. The
  /// hardware waits for the drain; doing it inside the step loses no interleaving, as the explorer
  /// also schedules every drain as a step of its own.
  void store_locked(int l, int v, const char* src) {
    access();
    m_.drain(t_);
    m_.mem[l] = static_cast<Word>(v);
    if (trace_) say(src, "xchg " + names_[l] + " = " + std::to_string(v) + " (buffer drained)");
  }
  /// exchange is an xchg that returns the old value.
  Word exchange(int l, int v, const char* src) {
    access();
    m_.drain(t_);
    Word old = m_.mem[l];
    m_.mem[l] = static_cast<Word>(v);
    if (trace_)
      say(src, "xchg " + names_[l] + " = " + std::to_string(v) + ", was " + std::to_string(old) + " (buffer drained)");
    return old;
  }
  void mfence(const char* src) {
    access();
    m_.drain(t_);
    if (trace_) say(src, "mfence (buffer drained)");
  }
  /// membarrier is sched::heavy_fence with expedited membarrier: its own mfence, then an IPI makes
  /// every other running thread serialise, which on x86 empties its store buffer (a thread that is
  /// not running went through a context switch, which did the same). One atomic step is exact with
  /// one other thread: the step stands where the IPI lands, and the caller does nothing in between.
  /// With more, the IPIs land at different moments, which one step does not model: the sleeper
  /// scenarios have one other thread.
  void membarrier(const char* src) {
    access();
    for (int t = 0; t < kThreads; ++t) m_.drain(t);
    if (trace_) say(src, "membarrier (every store buffer drained)");
  }
  /// note narrates a decision the step took on thread-local data. Building the text costs more than
  /// the step: callers that compose it test tracing() first.
  void note(std::string_view what) {
    if (trace_) (*trace_ += "      ").append(what) += "\n";
  }
  bool tracing() const { return trace_ != nullptr; }

 private:
  void access() {
    if (++accesses_ > 1) throw std::logic_error("model: a step made two shared-memory accesses");
  }
  void say(const char* src, const std::string& what) {
    *trace_ += "  T" + std::to_string(t_) + " " + src + "\n      " + what + "\n";
  }
  Tso& m_;
  int t_;
  std::string* trace_;
  const std::vector<std::string>& names_;
  int accesses_ = 0;
};

/// Stats is what an exploration saw.
struct Stats {
  std::uint64_t states = 0;       // distinct states (memory, buffers, threads' registers and results)
  std::uint64_t transitions = 0;  // steps and drains taken from them
  std::uint64_t finals = 0;       // distinct final states, each checked
  double schedules = 0;           // complete interleavings, drains included, that the states cover
  double seconds = 0;
  std::string violation;          // the first broken invariant and the schedule that breaks it
};

/// Seen maps a state's hash to the number of schedules from that state to the end. Open addressing
/// with linear probing: the search spends most of its time here, and a node per state costs more.
class Seen {
 public:
  Seen() : keys_(1 << 16), values_(1 << 16) {}
  const double* find(std::uint64_t key) const {
    for (std::size_t i = slot(key);; i = (i + 1) & (keys_.size() - 1)) {
      if (keys_[i] == key) return &values_[i];
      if (keys_[i] == 0) return nullptr;
    }
  }
  void insert(std::uint64_t key, double value) {  // key must be absent
    if (2 * (size_ + 1) > keys_.size()) grow();
    std::size_t i = slot(key);
    while (keys_[i] != 0) i = (i + 1) & (keys_.size() - 1);
    keys_[i] = key;
    values_[i] = value;
    ++size_;
  }
  /// key turns a hash into a key: 0 marks an empty slot.
  static std::uint64_t key(std::uint64_t hash) { return hash == 0 ? 1 : hash; }

 private:
  std::size_t slot(std::uint64_t key) const { return static_cast<std::size_t>(key) & (keys_.size() - 1); }
  void grow() {
    std::vector<std::uint64_t> keys(keys_.size() * 2);
    std::vector<double> values(keys.size());
    std::swap(keys, keys_);
    std::swap(values, values_);
    size_ = 0;
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] != 0) insert(keys[i], values[i]);
  }
  std::vector<std::uint64_t> keys_;
  std::vector<double> values_;
  std::size_t size_ = 0;
};

/// explore runs every interleaving of `model` by depth-first search over its states, each state once.
/// Model provides: State (trivially copyable with a member `Tso tso`), initial(), threads(), done(s, t),
/// runnable(s, t) (not done and not blocked), step(s, t, cpu), check(s) ("" when the final state is
/// right) and locations() (names for the trace). Every step changes the state and none returns to an
/// earlier one (blocking waits are disabled steps, not spins), so the states form a DAG and the count of
/// schedules is a sum over it. States are kept as 64-bit hashes (hash compaction, as in SPIN): with a
/// few million states the odds that a collision hides one are about 1e-6.
template <class Model>
Stats explore(const Model& model) {
  using State = typename Model::State;
  static_assert(std::is_trivially_copyable_v<State> && std::has_unique_object_representations_v<State>);
  struct Choice {
    int thread;
    bool drain;
  };
  const std::vector<std::string> names = model.locations();
  Stats stats;
  Seen seen;
  std::vector<Choice> path;
  auto started = std::chrono::steady_clock::now();

  auto replay = [&] {  // the failing schedule, step by step, from the initial state
    std::string trace;
    State s = model.initial();
    for (Choice c : path) {
      if (c.drain) {
        int l = s.tso.loc[c.thread][0], v = s.tso.val[c.thread][0];
        trace += "  T" + std::to_string(c.thread) + " buffer drains: " + names[l] + " = " + std::to_string(v) + "\n";
        s.tso.drain_one(c.thread);
      } else {
        Cpu cpu(s.tso, c.thread, &trace, names);
        model.step(s, c.thread, cpu);
      }
    }
    return trace;
  };

  std::function<double(const State&)> visit = [&](const State& s) -> double {
    std::string_view bytes(reinterpret_cast<const char*>(&s), sizeof s);
    std::uint64_t key = Seen::key(std::hash<std::string_view>{}(bytes));
    if (const double* known = seen.find(key)) return *known;
    double schedules = 0;
    bool moved = false;
    for (int t = 0; t < model.threads() && stats.violation.empty(); ++t) {
      for (bool drain : {false, true}) {
        if (drain ? s.tso.pending[t] == 0 : !model.runnable(s, t)) continue;
        State next = s;
        if (drain) {
          next.tso.drain_one(t);
        } else {
          Cpu cpu(next.tso, t, nullptr, names);
          model.step(next, t, cpu);
        }
        moved = true;
        ++stats.transitions;
        path.push_back({t, drain});
        schedules += visit(next);
        path.pop_back();
      }
    }
    if (!moved && stats.violation.empty()) {
      schedules = 1;
      ++stats.finals;
      bool all_done = true;
      for (int t = 0; t < model.threads(); ++t) all_done = all_done && model.done(s, t);
      std::string why = all_done ? model.check(s) : std::string("deadlock: a thread waits forever");
      if (!why.empty()) stats.violation = why + "\nschedule (T0 is the owner):\n" + replay();
    }
    seen.insert(key, schedules);
    ++stats.states;
    return schedules;
  };
  stats.schedules = visit(model.initial());
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return stats;
}

}  // namespace canopy::model
