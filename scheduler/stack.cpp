#include "stack.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <algorithm>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

#include "fiber.hpp"

namespace canopy::sched {

namespace {
std::size_t page_size() {
  static const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return page;
}
std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }
}  // namespace

Stack::Stack(std::size_t size) {
  guard_ = page_size();
  total_ = round_up(size, guard_) + guard_;
  base_ = mmap(nullptr, total_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (base_ == MAP_FAILED) {
    base_ = nullptr;
    throw std::bad_alloc();
  }
  if (mprotect(base_, guard_, PROT_NONE) != 0) {
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

Stack::~Stack() {
  if (!base_) return;
#if defined(__SANITIZE_ADDRESS__)
  // A fiber abandoned at shutdown leaves its frames' red zones poisoned, and ASan keeps that mark
  // across munmap: the next mapping at this address would inherit it. Only the top is ever used
  // by the worker loop's frames, so unpoison that much.
  std::size_t span = std::min<std::size_t>(total_ - guard_, 256 * 1024);
  ASAN_UNPOISON_MEMORY_REGION(static_cast<char*>(base_) + total_ - span, span);
#endif
  munmap(base_, total_);
}

bool Stack::in_guard(const void* addr) const {
  auto* a = static_cast<const char*>(addr);
  auto* b = static_cast<const char*>(base_);
  // A frame that overshoots by more than a page lands below the guard: count a few pages below too.
  return base_ && a < b + guard_ && a + 16 * guard_ >= b;
}

namespace {
struct sigaction previous_segv;

void on_segv(int sig, siginfo_t* info, void* uctx) {
  const Fiber* f = current_fiber();
  if (f && f->stack.in_guard(info->si_addr)) {
    char msg[256];
    int n = std::snprintf(msg, sizeof msg,
                          "canopy: fiber stack overflow (stack of %zu bytes); raise it with --canopy:stack-size "
                          "or CANOPY_STACK_SIZE\n",
                          f->stack.size());
    if (n > 0) (void)!write(2, msg, static_cast<size_t>(n));
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

void install_overflow_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
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
