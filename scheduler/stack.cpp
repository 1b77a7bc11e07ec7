#include "stack.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

#include "fiber.hpp"

#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102  // Linux 6.13; older headers lack it
#endif

namespace canopy::sched {

namespace {
std::size_t page_size() {
  static const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return page;
}
std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

// -1 unknown, 1 the kernel has in-mapping guards, 0 it has not (then mprotect splits the mapping).
std::atomic<int> guard_install_works{-1};

bool install_guard(void* base, std::size_t len) {
  if (guard_install_works.load(std::memory_order_relaxed) != 0) {
    if (madvise(base, len, MADV_GUARD_INSTALL) == 0) {
      guard_install_works.store(1, std::memory_order_relaxed);
      return true;
    }
    if (errno != EINVAL) return false;
    guard_install_works.store(0, std::memory_order_relaxed);
  }
  return mprotect(base, len, PROT_NONE) == 0;
}
}  // namespace

int mappings_per_stack() {
  if (guard_install_works.load(std::memory_order_relaxed) < 0) {
    Stack probe(page_size());  // settles which guard the kernel offers
  }
  return guard_install_works.load(std::memory_order_relaxed) == 1 ? 0 : 2;
}

Stack::Stack(std::size_t size) {
  guard_ = round_up(kGuardGap, page_size());
  total_ = round_up(size, page_size()) + guard_;
  // MAP_STACK also keeps transparent huge pages away: a parked task should cost pages, not 2 MiB.
  base_ = mmap(nullptr, total_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (base_ == MAP_FAILED) {
    base_ = nullptr;
    throw std::bad_alloc();
  }
  if (!install_guard(base_, guard_)) {
    munmap(base_, total_);
    base_ = nullptr;
    throw std::bad_alloc();
  }
}

Stack::Stack(Stack&& o) noexcept
    : base_(std::exchange(o.base_, nullptr)), total_(std::exchange(o.total_, 0)), guard_(std::exchange(o.guard_, 0)) {}

Stack& Stack::operator=(Stack&& o) noexcept {
  std::swap(base_, o.base_);
  std::swap(total_, o.total_);
  std::swap(guard_, o.guard_);
  return *this;
}

namespace {
void unpoison_top([[maybe_unused]] void* base, [[maybe_unused]] std::size_t total, [[maybe_unused]] std::size_t guard) {
#if defined(__SANITIZE_ADDRESS__)
  // A fiber abandoned at shutdown leaves its frames' red zones poisoned, and ASan keeps that mark
  // across munmap: the next mapping at this address would inherit it. Only the top is ever used
  // by the worker loop's frames, so unpoison that much.
  std::size_t span = std::min<std::size_t>(total - guard, 256 * 1024);
  ASAN_UNPOISON_MEMORY_REGION(static_cast<char*>(base) + total - span, span);
#endif
}
}  // namespace

Stack::~Stack() {
  if (!base_) return;
  unpoison_top(base_, total_, guard_);
  munmap(base_, total_);
}

void Stack::release_all(std::vector<Stack>& stacks) {
  std::sort(stacks.begin(), stacks.end(), [](const Stack& a, const Stack& b) { return a.base_ < b.base_; });
  char* run = nullptr;
  std::size_t run_length = 0;
  for (Stack& st : stacks) {
    if (!st.base_) continue;
    unpoison_top(st.base_, st.total_, st.guard_);
    auto* b = static_cast<char*>(st.base_);
    if (run && run + run_length == b) {
      run_length += st.total_;
    } else {
      if (run) munmap(run, run_length);
      run = b;
      run_length = st.total_;
    }
    st.base_ = nullptr;
  }
  if (run) munmap(run, run_length);
  stacks.clear();
}

bool Stack::in_guard(const void* addr) const {
  auto* a = static_cast<const char*>(addr);
  auto* b = static_cast<const char*>(base_);
  return base_ && a >= b && a < b + guard_;
}

namespace {
struct sigaction previous_segv;
OverflowReporter reporter = nullptr;

void on_segv(int sig, siginfo_t* info, void* uctx) {
  const Fiber* f = current_fiber();
  if (f && f->stack.in_guard(info->si_addr)) {
    char msg[256];
    int n = std::snprintf(msg, sizeof msg,
                          "canopy: stack overflow: a task ran past the end of its fiber stack (%zu bytes); raise "
                          "it with Config::stack_size, CANOPY_STACK_SIZE or --canopy:stack-size\n",
                          f->stack.size());
    if (n > 0) (void)!write(2, msg, static_cast<size_t>(n));
    // Naming the task demangles, which may allocate: should the overflow have hit inside malloc, the
    // alarm ends the process instead of a hang.
    alarm(5);
    if (reporter) reporter(2);
    signal(SIGABRT, SIG_DFL);
    abort();
  }
  // Not ours: hand the fault to whoever was there before, or crash the default way.
  if (previous_segv.sa_flags & SA_SIGINFO && previous_segv.sa_sigaction) {
    previous_segv.sa_sigaction(sig, info, uctx);
  } else if (previous_segv.sa_handler != SIG_DFL && previous_segv.sa_handler != SIG_IGN && previous_segv.sa_handler) {
    previous_segv.sa_handler(sig);
  } else {
    signal(SIGSEGV, SIG_DFL);
  }
}
}  // namespace

void install_overflow_handler(OverflowReporter report) {
  static std::once_flag once;
  std::call_once(once, [report] {
    reporter = report;
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = &on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previous_segv);
  });
  // The handler must run on a stack of its own: the faulting one is exhausted.
  thread_local struct AltStack {
    stack_t ss{};
    AltStack() {
      ss.ss_size = 64 * 1024;
      ss.ss_sp = std::malloc(ss.ss_size);
      ss.ss_flags = 0;
      if (ss.ss_sp) sigaltstack(&ss, nullptr);
    }
    ~AltStack() {
      stack_t off{};
      off.ss_flags = SS_DISABLE;
      sigaltstack(&off, nullptr);
      std::free(ss.ss_sp);
    }
  } alt;
  (void)alt;
}

}  // namespace canopy::sched
