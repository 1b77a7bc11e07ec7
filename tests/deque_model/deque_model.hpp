#pragma once
// The work-stealing deque (include/canopy/detail/ws_deque.hpp, scheduler/ws_deque.cpp) and the two
// halves of the sleeper handshake (WorkerHot::push_task in include/canopy/detail/worker_hot.hpp,
// Scheduler::sleep in scheduler/scheduler.cpp) as steps over tso.hpp: one shared-memory access per
// step, each naming the line it models, so that a change to one of those lines points at the step to
// change here. Line numbers are those of commit 21fa938; scheduler.cpp, which changes often, is cited
// by function.
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tso.hpp"

namespace canopy::model {

/// Op is one call a model thread makes: the task pushed, or the task pop_if expects.
struct Op {
  enum Kind { push, push_task, pop, pop_if, steal, sleep } kind;
  int task = 0;
};

/// Variant picks the protocol to check; the defaults are the code as written.
struct Variant {
  bool pop_fenced = true;  // pop's tail_.store(tail, seq_cst) (ws_deque.hpp:43); false: relaxed, a mov
  enum class Fence { membarrier, mfence, none };
  // heavy_fence() in Scheduler::sleep (scheduler.cpp). mfence: what heavy_fence does where the
  // kernel refuses membarrier; none: a compiler barrier, like the push's light_fence.
  Fence sleep_fence = Fence::membarrier;
  int capacity = 2;  // kInitialCapacity (ws_deque.cpp:9), tiny so that a second push already grows
};

/// DequeModel runs programs_[0] as the deque's owner (push, push_task, pop, pop_if) and the others as
/// thieves (steal) or as a worker going to sleep (sleep).
class DequeModel {
 public:
  // Shared locations; array k (capacity << k slots, from kSlots on) is what array_ == k points to.
  enum : int { kHead, kTail, kLock, kArray, kHint, kSlots };
  static constexpr int kArrays = 3;
  static constexpr int kTasks = 8;

  struct Regs {  // a thread's place in its program and the locals of the call it is in
    Word op, pc, tail, head, i, x, a, v;
  };
  struct Owner {  // the owner-only fields of WsDeque (ws_deque.hpp:101-105): no shared accesses
    Word array, mask, head_cache, limit;
  };
  struct State {
    Tso tso;
    Regs th[kThreads];
    Owner own;
    Word taken[kTasks + 1];  // times each task was taken; [0] counts takes that produced no task
    Word saw_hint;           // a push_task read sleepers_waiting == true, and so wakes the sleeper
    Word slept;              // the sleeper saw no work and waits
  };

  explicit DequeModel(std::vector<std::vector<Op>> programs, Variant v = {}) : programs_(std::move(programs)), v_(v) {
    if (programs_.size() > kThreads || kSlots + v_.capacity * ((1 << kArrays) - 1) > kLocations)
      throw std::logic_error("model: scenario too big");
    for (const auto& program : programs_)
      for (const Op& op : program)
        if (op.kind == Op::sleep && programs_.size() > 2)
          throw std::logic_error("model: membarrier is exact for two threads only (tso.hpp)");
  }

  int threads() const { return static_cast<int>(programs_.size()); }
  bool done(const State& s, int t) const { return s.th[t].op == static_cast<int>(programs_[t].size()); }
  bool runnable(const State& s, int t) const {
    // The spin of ws_deque.cpp:62-64 only ever re-reads a held lock: waiting for it to be free
    // reaches the same states without the loop.
    return !done(s, t) && !(s.th[t].pc == kContLock && s.tso.view(t, kLock) != 0);
  }

  State initial() const {
    State s{};
    Word mask = static_cast<Word>(v_.capacity - 1);
    s.own = {0, mask, 0, mask};  // publish (ws_deque.cpp:25-30) from the constructor
    for (int t = 0; t < threads(); ++t) s.th[t].pc = start(t, 0);
    return s;
  }

  std::vector<std::string> locations() const {
    std::vector<std::string> names{"head_", "tail_", "lock_", "array_", "sleepers_waiting"};
    for (int a = 0; a < kArrays; ++a)
      for (int i = 0; i < (v_.capacity << a); ++i)
        names.push_back("array" + std::to_string(a) + "[" + std::to_string(i) + "]");
    names.resize(kLocations, "unused");
    return names;
  }

  void step(State& s, int t, Cpu& c) const;
  std::string check(const State& s) const;

 private:
  enum Pc : Word {
    kPushLoadTail, kMakeRoom, kGrowLoad, kGrowStore, kPublish, kPushSlot, kPushTail, kPushTaskHint,
    kPopLoadTail, kPopStoreTail, kPopLoadHead, kPopLoadSlot,
    kPopIfLoadTail, kPopIfLoadSlot, kPopIfStoreTail, kPopIfLoadHead,
    kContRestore, kContLock, kContLoadHead, kContStoreTail, kContLoadSlot, kContUnlock,
    kStealLoadHead, kStealLoadTail, kStealLock, kStealLoadHead2, kStealBump, kStealLoadTail2,
    kStealLoadArray, kStealLoadSlot, kStealRestore, kStealUnlock,
    kSleepHint, kSleepFence, kSleepLoadTail, kSleepLoadHead,
  };
  Word start(int t, int op) const {
    if (op == static_cast<int>(programs_[t].size())) return 0;
    switch (programs_[t][op].kind) {
      case Op::push: case Op::push_task: return kPushLoadTail;
      case Op::pop: return kPopLoadTail;
      case Op::pop_if: return kPopIfLoadTail;
      case Op::steal: return kStealLoadHead;
      case Op::sleep: return kSleepHint;
    }
    return 0;
  }
  int slot(int array, int i) const {
    int cap = v_.capacity << array;
    return kSlots + v_.capacity * ((1 << array) - 1) + (i & (cap - 1));  // Array::at, ws_deque.hpp:23
  }
  int owner_slot(const Owner& o, int i) const { return slot(o.array, i & o.mask); }  // ws_deque.hpp:83
  static void set_head_cache(Owner& o, int head) {  // ws_deque.hpp:89-92
    o.head_cache = static_cast<Word>(head);
    o.limit = static_cast<Word>(head + o.mask);
  }
  void finish(State& s, int t) const {
    Regs& r = s.th[t];
    r = Regs{static_cast<Word>(r.op + 1), start(t, r.op + 1), 0, 0, 0, 0, 0, 0};
  }
  static void take(State& s, Cpu& c, const char* who, int task) {
    bool real = task >= 1 && task <= kTasks;
    ++s.taken[real ? task : 0];
    if (c.tracing())
      c.note(std::string(who) + " takes " + (real ? "task " : "no task, but ") + std::to_string(task));
  }

  std::vector<std::vector<Op>> programs_;
  Variant v_;
};

inline void DequeModel::step(State& s, int t, Cpu& c) const {
  Regs& r = s.th[t];
  Owner& o = s.own;
  const Op& op = programs_[t][r.op];
  auto w = [](int x) { return static_cast<Word>(x); };
  switch (static_cast<Pc>(r.pc)) {
    // push (ws_deque.hpp:32-37), make_room and grow (ws_deque.cpp:41-56)
    case kPushLoadTail:
      r.tail = c.load(kTail, "ws_deque.hpp:33 push: tail = tail_.load(relaxed)");
      r.pc = r.tail >= o.limit ? kMakeRoom : kPushSlot;  // ws_deque.hpp:34
      return;
    case kMakeRoom:
      r.head = w(c.load(kHead, "ws_deque.cpp:44 make_room: head = head_.load(acquire) - 1") - 1);
      if (r.head > o.head_cache) set_head_cache(o, r.head);  // ws_deque.cpp:45
      r.pc = kPushSlot;
      if (r.tail >= o.limit) {  // ws_deque.cpp:46: grow(tail, head_cache_)
        // make_array's null stores (ws_deque.cpp:18) are left out: the model's arrays start null, and
        // no thread reads an array before array_ points to it.
        if (o.array + 1 == kArrays) throw std::logic_error("model: raise kArrays");
        r.a = w(o.array + 1);
        r.i = o.head_cache;
        r.pc = r.i < r.tail ? kGrowLoad : kPublish;
        if (c.tracing()) c.note("grow into array" + std::to_string(r.a) + ", copying from " + std::to_string(r.i));
      }
      return;
    case kGrowLoad:
      r.v = c.load(owner_slot(o, r.i), "ws_deque.cpp:53 grow: old->at(i).load(relaxed)");
      r.pc = kGrowStore;
      return;
    case kGrowStore:
      c.store(slot(r.a, r.i), r.v, "ws_deque.cpp:53 grow: bigger->at(i).store(.., relaxed)");
      r.i = w(r.i + 1);
      r.pc = r.i < r.tail ? kGrowLoad : kPublish;
      return;
    case kPublish:  // ws_deque.cpp:26-29 set the owner's copies, then line 30 publishes
      o.array = r.a;
      o.mask = w((v_.capacity << r.a) - 1);
      o.limit = w(o.head_cache + o.mask);
      c.store(kArray, r.a, "ws_deque.cpp:30 publish: array_.store(a, release)");
      r.pc = kPushSlot;
      return;
    case kPushSlot:
      c.store(owner_slot(o, r.tail), op.task, "ws_deque.hpp:35 push: owner_slot(tail).store(t, relaxed)");
      r.pc = kPushTail;
      return;
    case kPushTail:
      c.store(kTail, r.tail + 1, "ws_deque.hpp:36 push: tail_.store(tail + 1, release)");
      if (op.kind == Op::push) return finish(s, t);
      // worker_hot.hpp:95: the signal fence only stops the compiler, and the model keeps program order.
      r.pc = kPushTaskHint;
      return;
    case kPushTaskHint:
      if (c.load(kHint, "worker_hot.hpp:96 push_task: sleepers_waiting.load(relaxed)")) {
        // wake_sleeper -> Scheduler::wake_one takes sleep_mutex_, which the sleeper holds
        // until it waits, so a push that sees the hint always wakes it.
        s.saw_hint = 1;
        c.note("push_task saw the hint and wakes the sleeper");
      }
      return finish(s, t);

    // pop (ws_deque.hpp:40-47)
    case kPopLoadTail:
      r.tail = w(c.load(kTail, "ws_deque.hpp:41 pop: tail = tail_.load(relaxed) - 1") - 1);
      if (r.tail >= o.head_cache) {
        r.pc = kPopStoreTail;
        return;
      }
      c.note("ws_deque.hpp:42 tail < head_cache_: pop returns nullptr");
      return finish(s, t);
    case kPopStoreTail:
      if (v_.pop_fenced) c.store_locked(kTail, r.tail, "ws_deque.hpp:43 pop: tail_.store(tail, seq_cst)");
      else c.store(kTail, r.tail, "ws_deque.hpp:43 pop (broken): tail_.store(tail, relaxed)");
      r.pc = kPopLoadHead;
      return;
    case kPopLoadHead:
      r.head = c.load(kHead, "ws_deque.hpp:44 pop: head = head_.load(seq_cst)");
      r.pc = r.head <= r.tail ? kPopLoadSlot : kContRestore;  // ws_deque.hpp:45-46
      return;
    case kPopLoadSlot:
      take(s, c, "pop", c.load(owner_slot(o, r.tail), "ws_deque.hpp:45 pop: owner_slot(tail).load(relaxed)"));
      return finish(s, t);

    // pop_if (ws_deque.hpp:50-57)
    case kPopIfLoadTail:
      r.tail = w(c.load(kTail, "ws_deque.hpp:51 pop_if: tail = tail_.load(relaxed) - 1") - 1);
      r.pc = kPopIfLoadSlot;
      return;
    case kPopIfLoadSlot:
      if (c.load(owner_slot(o, r.tail), "ws_deque.hpp:53 pop_if: owner_slot(tail).load(relaxed)") == op.task) {
        r.pc = kPopIfStoreTail;
        return;
      }
      c.note("pop_if returns false: the tail slot is not the expected task");
      return finish(s, t);
    case kPopIfStoreTail:
      c.store_locked(kTail, r.tail, "ws_deque.hpp:54 pop_if: tail_.store(tail, seq_cst)");
      r.pc = kPopIfLoadHead;
      return;
    case kPopIfLoadHead:
      r.head = c.load(kHead, "ws_deque.hpp:55 pop_if: head = head_.load(seq_cst)");
      if (r.head > r.tail) {  // ws_deque.hpp:56
        r.pc = kContRestore;
        return;
      }
      take(s, c, "pop_if", op.task);
      return finish(s, t);

    // pop_contended (ws_deque.cpp:58-74), for pop and pop_if
    case kContRestore:
      c.store(kTail, r.tail + 1, "ws_deque.cpp:61 pop_contended: tail_.store(tail + 1, relaxed)");
      r.pc = kContLock;
      return;
    case kContLock:
      c.exchange(kLock, 1, "ws_deque.cpp:62 pop_contended: lock_.exchange(true, acquire)");
      r.pc = kContLoadHead;
      return;
    case kContLoadHead:
      r.head = c.load(kHead, "ws_deque.cpp:66 pop_contended: head = head_.load(relaxed)");
      if (r.head <= r.tail) {  // ws_deque.cpp:67
        r.pc = kContStoreTail;
        return;
      }
      set_head_cache(o, r.head);  // ws_deque.cpp:71
      c.note("pop_contended: a thief took it, returns nullptr");
      r.pc = kContUnlock;
      return;
    case kContStoreTail:
      c.store(kTail, r.tail, "ws_deque.cpp:68 pop_contended: tail_.store(tail, relaxed)");
      r.pc = kContLoadSlot;
      return;
    case kContLoadSlot:
      r.x = c.load(owner_slot(o, r.tail), "ws_deque.cpp:69 pop_contended: x = owner_slot(tail).load(relaxed)");
      set_head_cache(o, r.head);  // ws_deque.cpp:71
      // The task has left the deque: pop returns it, pop_if returns x == expected (ws_deque.hpp:56),
      // so an x that is neither is dropped, and check() reports it lost.
      if (op.kind == Op::pop || r.x == op.task || r.x == 0) take(s, c, op.kind == Op::pop ? "pop" : "pop_if", r.x);
      else if (c.tracing()) c.note("pop_if drops task " + std::to_string(r.x));
      r.pc = kContUnlock;
      return;
    case kContUnlock:
      c.store(kLock, 0, "ws_deque.cpp:72 pop_contended: lock_.store(false, release)");
      return finish(s, t);

    // steal (ws_deque.hpp:61-75)
    case kStealLoadHead:
      r.head = c.load(kHead, "ws_deque.hpp:62 steal: head_.load(relaxed) >= tail_.load(relaxed)");
      r.pc = kStealLoadTail;
      return;
    case kStealLoadTail:
      r.tail = c.load(kTail, "ws_deque.hpp:62 steal: head_.load(relaxed) >= tail_.load(relaxed)");
      if (r.head < r.tail) {
        r.pc = kStealLock;
        return;
      }
      c.note("steal returns empty");
      return finish(s, t);
    case kStealLock:
      if (c.exchange(kLock, 1, "ws_deque.hpp:63 steal: lock_.exchange(true, acquire)") == 0) {
        r.pc = kStealLoadHead2;
        return;
      }
      c.note("steal returns lost_race");
      return finish(s, t);
    case kStealLoadHead2:
      r.head = c.load(kHead, "ws_deque.hpp:64 steal: head = head_.load(relaxed)");
      r.pc = kStealBump;
      return;
    case kStealBump:
      c.store_locked(kHead, r.head + 1, "ws_deque.hpp:65 steal: head_.store(head + 1, seq_cst)");
      r.pc = kStealLoadTail2;
      return;
    case kStealLoadTail2:
      r.tail = c.load(kTail, "ws_deque.hpp:67 steal: head + 1 <= tail_.load(seq_cst)");
      r.pc = r.head + 1 <= r.tail ? kStealLoadArray : kStealRestore;
      return;
    case kStealLoadArray:
      r.a = c.load(kArray, "ws_deque.hpp:68 steal: array_.load(acquire)");
      r.pc = kStealLoadSlot;
      return;
    case kStealLoadSlot:  // Array::at's read of capacity is left out: it never changes once published
      take(s, c, "steal", c.load(slot(r.a, r.head), "ws_deque.hpp:68 steal: ->at(head).load(relaxed)"));
      r.pc = kStealUnlock;
      return;
    case kStealRestore:
      c.store(kHead, r.head, "ws_deque.hpp:71 steal: head_.store(head, relaxed)");
      c.note("steal returns empty");
      r.pc = kStealUnlock;
      return;
    case kStealUnlock:
      c.store(kLock, 0, "ws_deque.hpp:73 steal: lock_.store(false, release)");
      return finish(s, t);

    // Scheduler::sleep (scheduler.cpp) for a worker whose only neighbour is the owner. Taking
    // sleep_mutex_ first drains a buffer that holds nothing here, so it is left out.
    case kSleepHint:
      c.store(kHint, 1, "scheduler.cpp publish_sleepers: sleepers_waiting.store(true, relaxed)");
      r.pc = kSleepFence;
      return;
    case kSleepFence:
      if (v_.sleep_fence == Variant::Fence::membarrier) c.membarrier("scheduler.cpp Scheduler::sleep: heavy_fence()");
      else if (v_.sleep_fence == Variant::Fence::mfence)
        c.mfence("scheduler.cpp Scheduler::sleep (membarrier refused): heavy_fence()");
      else c.note("scheduler.cpp Scheduler::sleep (broken): a compiler barrier instead of heavy_fence()");
      r.pc = kSleepLoadTail;
      return;
    case kSleepLoadTail:
      r.tail = c.load(kTail, "ws_deque.hpp:79 work_visible -> size_hint: tail_.load(relaxed)");
      r.pc = kSleepLoadHead;
      return;
    case kSleepLoadHead:
      r.head = c.load(kHead, "ws_deque.hpp:79 work_visible -> size_hint: head_.load(relaxed)");
      if (r.tail - r.head <= 0) s.slept = 1;  // work_visible() false
      c.note(s.slept ? "sleep: no work visible, waits on wake_cv" : "sleep: work visible, stays awake");
      return finish(s, t);
  }
  throw std::logic_error("model: bad pc");
}

inline std::string DequeModel::check(const State& s) const {
  const Word* m = s.tso.mem;
  int head = m[kHead], tail = m[kTail];
  if (s.taken[0]) return "a pop or steal took no task (nullptr or a stale slot)";
  int left[kTasks + 1] = {};
  for (int i = head; i < tail; ++i) {
    int task = m[slot(m[kArray], i)];
    if (task < 1 || task > kTasks) return "the deque holds a non-task at index " + std::to_string(i);
    ++left[task];
  }
  for (const auto& program : programs_)
    for (const Op& op : program) {
      if (op.kind != Op::push && op.kind != Op::push_task) continue;
      int n = op.task, taken = s.taken[n];
      std::string task = "task " + std::to_string(n);
      if (taken > 1) return task + " taken " + std::to_string(taken) + " times";
      if (taken + left[n] == 0) return task + " lost: neither taken nor in the deque";
      if (taken + left[n] > 1) return task + " taken and still in the deque";
    }
  if (s.slept && tail > head && !s.saw_hint)
    return "lost wake-up: the sleeper saw no work, a task is in the deque, and push_task saw no hint";
  // What the next calls rely on: a free lock, head <= tail, one array, a head cache below head.
  if (m[kLock]) return "lock_ still held at the end";
  if (head > tail) return "head_ " + std::to_string(head) + " > tail_ " + std::to_string(tail) + " at the end";
  if (m[kArray] != s.own.array) return "array_ is not the owner's array at the end";
  if (s.own.head_cache > head)
    return "head_cache_ " + std::to_string(s.own.head_cache) + " above head_ " + std::to_string(head);
  return "";
}

}  // namespace canopy::model
