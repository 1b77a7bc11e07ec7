// Printing programs and outcomes: what CANOPY_SEED=s shows, and what a failure report names.
#include <sstream>

#include "program.hpp"

namespace stress {

namespace {

const char* priv_name(Priv p) {
  switch (p) {
    case Priv::read: return "read";
    case Priv::write: return "write";
    case Priv::read_write: return "read_write";
    case Priv::sum: return "reduce<Sum>";
    case Priv::none: break;
  }
  return "none";
}

const char* order_name(Order o) {
  switch (o) {
    case Order::forward: return "forward";
    case Order::reverse: return "reverse";
    case Order::shuffled: return "shuffled";
    case Order::eager: return "eager";
    case Order::wait_all_first: return "wait_all then get";
    case Order::index_launch: return "spawn_each";
  }
  return "?";
}

const char* use_name(Use u) {
  switch (u) {
    case Use::parent: return "";
    case Use::drop_now: return " dropped at once";
    case Use::drop_later: return " kept, never got";
    case Use::sibling: return " moved to a sibling";
    case Use::shared: return " copied to a sibling";
    case Use::rethrow: return " got in the catch block";
  }
  return "?";
}

const char* place_name(Place p) {
  switch (p) {
    case Place::anywhere: return "";
    case Place::socket0: return " on_socket(0)";
    case Place::socket1: return " on_socket(1)";
    case Place::here: return " here";
  }
  return "?";
}

std::string box_str(const Box& b) { return "[" + std::to_string(b.lo) + ", " + std::to_string(b.hi) + ")"; }

void print(std::ostringstream& out, const Node& n, int indent, const Node* parent) {
  out << std::string(static_cast<std::size_t>(indent) * 2, ' ') << 't' << n.id;
  if (n.priv != Priv::none) {
    out << ' ' << priv_name(n.priv) << ' ' << box_str(n.box);
    if (n.piece >= 0) out << " (piece " << n.piece << ')';
  }
  out << place_name(n.place) << use_name(n.use);
  if (parent && n.use != Use::drop_now && n.use != Use::drop_later) out << (n.catch_get ? " (caught)" : " (propagated)");
  if (n.join_before || n.join_after)
    out << ", wait_all " << (n.join_before && n.join_after ? "before and after" : n.join_before ? "before" : "after") << " spawning it"
        << (n.catch_fence ? " (caught)" : " (propagated)");
  if (!n.inputs.empty()) {
    out << "; gets";
    for (const Input& in : n.inputs)
      out << " t" << parent->children[in.from].id << (in.shared ? "(copy)" : "") << (in.catches ? "" : "(propagated)");
    if (n.inputs_reverse) out << " in reverse";
  }
  out << ':';
  if (n.spin) out << " spin " << n.spin << ';';
  if (n.blocking)
    out << " blocking " << n.blocking_us << " us" << (n.blocking_throws ? " throws" : "") << (n.catch_blocking ? " (caught)" : "") << ';';
  if (n.probe) out << " unwind probe parks on " << (n.probe_park == Park::child ? "a placed child" : "blocking") << ';';
  if (n.gate_waiters) out << ' ' << n.gate_waiters << " tasks parked on one gate;";
  if (n.region) out << " creates region[" << n.region << "];";
  if (!n.parts.empty()) {
    out << (n.parts_equal ? " partition_equal:" : " partition:");
    for (const Box& b : n.parts) out << ' ' << box_str(b);
    out << ';';
  }
  if (!n.children.empty()) {
    out << ' ' << order_name(n.order);
    if (n.wait_all_after >= 0) out << ", wait_all after child " << n.wait_all_after << (n.catch_wait_all ? " (caught)" : "");
    if (n.order == Order::wait_all_first) out << (n.catch_wait_all ? " (caught)" : " (propagated)");
    if (n.map_dropped) out << ", map dropped";
    out << ';';
  }
  if (n.post) out << " wait_all" << (n.catch_post ? " (caught)" : "") << " and touch again;";
  switch (n.throws) {
    case Throw::none: break;
    case Throw::at_start: out << " throws before spawning;"; break;
    case Throw::at_end: out << " throws at the end;"; break;
    case Throw::after_park:
      out << " throw; after parking in the catch block on "
          << (n.rethrow_park == Park::blocking ? "blocking" : n.rethrow_spawn_in_catch ? "a child spawned there" : "the last child")
          << (n.rethrow_swallow ? " (its error caught)" : "") << ';';
      break;
  }
  if (n.throws != Throw::none) out << (n.std_exception ? " (std)" : "");
  if (n.contain) out << " contains its errors;";
  out << '\n';
  for (const Node& c : n.children) print(out, c, indent + 1, &n);
}

}  // namespace

std::string describe(const Program& p) {
  std::ostringstream out;
  out << "program of seed " << p.seed << ": " << p.nodes << " tasks" << (p.gates ? ", a gate of " + std::to_string(p.gates) : "") << '\n';
  print(out, p.root, 0, nullptr);
  return out.str();
}

std::string boom_name(std::uint64_t id) {
  static const char* sites[] = {"at_start", "at_end", "after_park", "in blocking", "waiter", "?", "?", "?"};
  std::ostringstream out;
  out << (id & kStdBit ? "BoomStd" : "Boom") << " from t" << ((id & 0xFFFFFFFFull) >> 3) << ' ' << sites[id & 7];
  if (((id & ~kStdBit) >> 32) != 0) out << ' ' << ((id & ~kStdBit) >> 32);
  return out.str();
}

std::string outcome_str(const Outcome& o) {
  switch (o.kind) {
    case Outcome::not_run: return "did not run";
    case Outcome::value: return "returned " + std::to_string(o.v);
    case Outcome::boom: return "threw " + boom_name(o.v);
  }
  return "?";
}

}  // namespace stress
