// Dangling captures (checked builds): a child whose closure or arguments hold an address inside its
// parent's stack, still unfinished when the parent's body returns, would read the parent's locals
// after they are gone (the implicit join runs after the body, on the same stack). The inline spawn
// path of a CANOPY_CHECKED build records such children; the parent's end reports the ones unfinished.
#include <dlfcn.h>

#include <cstdio>
#include <cstdint>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>

#include "canopy/errors.hpp"
#include "completion.hpp"
#include "scheduler/fiber.hpp"
#include "scheduler/worker.hpp"
#include "task_deps.hpp"

namespace canopy::rt {

namespace {

/// source_line asks addr2line for the file and line of `pc` in the module that holds it: the first
/// frame of the inline chain outside Canopy's own headers (spawn is inlined into the caller). Empty
/// when the tool or the debug information is missing.
std::string source_line(const void* pc) {
  Dl_info info{};
  if (!dladdr(pc, &info) || !info.dli_fname) return {};
  const auto offset = reinterpret_cast<std::uintptr_t>(pc) - reinterpret_cast<std::uintptr_t>(info.dli_fbase) - 1;
  std::ostringstream cmd;
  cmd << "addr2line -i -e '" << info.dli_fname << "' 0x" << std::hex << offset << " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> out(popen(cmd.str().c_str(), "r"), pclose);
  if (!out) return {};
  char buf[1024];
  while (std::fgets(buf, sizeof buf, out.get())) {
    std::string where(buf);
    while (!where.empty() && (where.back() == '\n' || where.back() == ' ')) where.pop_back();
    if (where.rfind("??", 0) == 0) return {};
    if (where.find("include/canopy/") == std::string::npos) return where.substr(0, where.find(" (discriminator"));
  }
  return {};
}

std::string spawn_site(const void* pc) {
  std::string where = source_line(pc);
  if (!where.empty()) return where;
  Dl_info info{};
  std::ostringstream out;
  if (dladdr(pc, &info) && info.dli_sname)
    out << demangle(info.dli_sname) << "+0x" << std::hex
        << (reinterpret_cast<std::uintptr_t>(pc) - reinterpret_cast<std::uintptr_t>(info.dli_saddr));
  else
    out << pc;
  return out.str();
}

}  // namespace

std::string dangling_captures(detail::Frame* parent, const void* live_from) {
  if (!parent->deps || parent->deps->stack_captures.empty()) return {};
  // Called where the body was called from: the body's frames lay below our caller's stack pointer, which
  // the canonical frame address (frame pointer + saved fp and return address) marks. An address above
  // it is still alive: an ancestor run inline on this stack, whose locals outlive this join.
  const auto dead_below = reinterpret_cast<std::uintptr_t>(live_from) + 2 * sizeof(void*);
  std::ostringstream msg;
  for (const detail::StackCapture& c : parent->deps->stack_captures) {
    if (c.child->state.load(std::memory_order_acquire) == detail::kDone) continue;
    if (reinterpret_cast<std::uintptr_t>(c.address) >= dead_below) continue;
    if (msg.tellp() > 0) msg << "\n";
    msg << "canopy: task " << task_id(parent) << " '" << task_name(parent) << "' returned while its child task "
        << task_id(c.child) << " '" << task_name(c.child) << "', spawned at " << spawn_site(c.spawn_pc)
        << ", had not finished and holds an address inside the parent's stack (a local captured by reference, "
           "or a pointer to one): the child would read it after the parent's locals are gone. Capture by "
           "value, or get() the child (or wait_all()) before returning.";
  }
  return msg.str();
}

void release_stack_captures(detail::TaskDeps& d) {
  for (const detail::StackCapture& c : d.stack_captures) release_ref(c.child, detail::kHandleRef);
  d.stack_captures.clear();
}

}  // namespace canopy::rt

namespace canopy::detail {

const void* stack_address_in(const void* bytes, std::size_t n) {
  const sched::Worker* w = sched::Scheduler::current();
  if (!w || !w->fiber || !w->fiber->stack.size()) return nullptr;
  // The spawning task's locals lie between here (deeper: the stack grows down) and the top of its stack.
  const auto lo = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  const auto hi = reinterpret_cast<std::uintptr_t>(w->fiber->stack.top());
  for (std::size_t i = 0; i + sizeof(std::uintptr_t) <= n; i += alignof(std::uintptr_t)) {
    std::uintptr_t word;
    std::memcpy(&word, static_cast<const char*>(bytes) + i, sizeof word);
    if (word >= lo && word < hi) return reinterpret_cast<const void*>(word);
  }
  return nullptr;
}

void note_stack_capture(Frame* parent, Frame* child, const void* address) {
  const void* spawn_pc = __builtin_return_address(0);  // in the spawning function, after the call
  child->refs.fetch_add(kHandleRef, std::memory_order_relaxed);  // looked at when the parent returns
  rt::deps_of(parent).stack_captures.push_back(StackCapture{child, address, spawn_pc});
}

}  // namespace canopy::detail
