// Inputs per size and the reference answers.
#include "harness/suite.hpp"

#include <cmath>
#include <stdexcept>

#include "harness/graph_suites.hpp"
#include "harness/kernels.hpp"
#include "matmul/matmul.hpp"

namespace bench {

std::string_view name(SuiteId s) {
  switch (s) {
    case SuiteId::fib: return "fib";
    case SuiteId::nqueens: return "nqueens";
    case SuiteId::uts_t1l: return "uts-t1l";
    case SuiteId::uts_t3l: return "uts-t3l";
    case SuiteId::matmul: return "matmul";
    case SuiteId::park: return "park";
    case SuiteId::cholesky: return "cholesky";
    case SuiteId::stencil: return "stencil";
    case SuiteId::taskbench: return "taskbench";
  }
  return "?";
}

std::string_view name(RuntimeId r) {
  switch (r) {
    case RuntimeId::serial: return "serial";
    case RuntimeId::tbb: return "tbb";
    case RuntimeId::omp: return "omp";
    case RuntimeId::canopy: return "canopy";
    case RuntimeId::boost_fiber: return "boost-fiber";
    case RuntimeId::canopy_hier: return "canopy-hier";
    case RuntimeId::starpu: return "starpu";
    case RuntimeId::llvm_omp: return "llvm-omp";
  }
  return "?";
}

std::optional<SuiteId> parse_suite(std::string_view s) {
  for (SuiteId id : kAllSuites)
    if (name(id) == s) return id;
  return std::nullopt;
}

std::optional<RuntimeId> parse_runtime(std::string_view s) {
  for (RuntimeId id : kAllRuntimes)
    if (name(id) == s) return id;
  return std::nullopt;
}

bool supports(SuiteId s, RuntimeId r, int workers) {
  // The runtimes that exist for one suite only.
  if (r == RuntimeId::canopy_hier || r == RuntimeId::starpu) return s == SuiteId::cholesky;
  switch (s) {
    case SuiteId::fib: return true;
    case SuiteId::nqueens:
    case SuiteId::uts_t1l:
    case SuiteId::uts_t3l: return r != RuntimeId::boost_fiber;
    case SuiteId::matmul: return r != RuntimeId::boost_fiber && r != RuntimeId::llvm_omp;
    case SuiteId::park: return (r == RuntimeId::canopy || r == RuntimeId::boost_fiber) && workers >= 2;
    case SuiteId::cholesky: return r == RuntimeId::serial || r == RuntimeId::omp || r == RuntimeId::canopy;
    // The sweeps' serial version is their untimed reference: their efficiency is measured against
    // the parallel runtimes' own best rate (see metg.hpp).
    case SuiteId::stencil:
    case SuiteId::taskbench: return r == RuntimeId::omp || r == RuntimeId::canopy;
  }
  return false;
}

std::optional<std::string> skip_reason(SuiteId s, RuntimeId r, const Input& in) {
  // Boost.Fiber frees a finished fiber only when its thread's dispatcher runs, i.e. when the ready
  // queue runs dry, which fib's hardly ever does: memory grows by ~5 KiB per spawn (fib(27): 1.6 GB
  // RSS on 1 thread), so fib(35) would need ~80 GB.
  if (s == SuiteId::fib && r == RuntimeId::boost_fiber && in.n > kBoostFiberMaxFib)
    return "fib(n > " + std::to_string(kBoostFiberMaxFib) + ") would exhaust memory";
  return std::nullopt;
}

Input input_for(SuiteId s, std::string_view size, std::optional<std::int64_t> n, const GraphParams& g) {
  // Sizes: small keeps the default run (all suites, all runtimes, 1 and 2 workers, 5 repeats) under a
  // minute on 2 cores, even for the peers that pay ~300 ns per task (fib(25): Boost.Fiber alone takes
  // ~0.5 s a run there, ~1.5 s at fib(27)); medium is the speed targets' inputs (fib(35) for
  // per-spawn overhead, the reference T1L and T3L trees); large is bigger still.
  const int idx = size == "small" ? 0 : size == "medium" ? 1 : size == "large" ? 2 : -1;
  if (idx < 0) throw std::invalid_argument("unknown size '" + std::string(size) + "' (small, medium, large)");
  Input in;
  switch (s) {
    case SuiteId::fib: {
      constexpr int kN[] = {25, 35, 38};
      in.n = n.value_or(kN[idx]);
      if (in.n < 0 || in.n > 60) throw std::invalid_argument("fib n must be in [0, 60]");
      in.label = "fib(" + std::to_string(in.n) + ")";
      break;
    }
    case SuiteId::nqueens: {
      constexpr int kN[] = {11, 13, 14};
      in.n = n.value_or(kN[idx]);
      if (in.n < 1 || in.n > 16) throw std::invalid_argument("nqueens n must be in [1, 16]");
      in.label = std::to_string(in.n) + "-queens";
      break;
    }
    case SuiteId::uts_t1l:
    case SuiteId::uts_t3l:
      if (n) throw std::invalid_argument("the UTS trees are fixed per size; use --size");
      in.tree = s == SuiteId::uts_t1l ? uts::t1l(size) : uts::t3l(size);
      in.label = std::string(in.tree->name);
      break;
    case SuiteId::matmul: {
      constexpr int kN[] = {256, 1024, 2048};
      in.n = n.value_or(kN[idx]);
      if (in.n < 1 || in.n > 16384) throw std::invalid_argument("matmul n must be in [1, 16384]");
      in.label = std::to_string(in.n) + "x" + std::to_string(in.n);
      break;
    }
    case SuiteId::park: {
      constexpr int kN[] = {20'000, 200'000, 1'000'000};
      in.n = n.value_or(kN[idx]);
      if (in.n < 1 || in.n > 1'000'000'000) throw std::invalid_argument("park iterations must be >= 1");
      in.label = std::to_string(in.n) + " iters";
      break;
    }
    case SuiteId::cholesky: return cholesky_input(idx, n, g);
    case SuiteId::stencil:
    case SuiteId::taskbench:
      // Their inputs are the points of a sweep (sweep.hpp), sized by --max-task-us and the like.
      throw std::invalid_argument("--input: " + std::string(name(s)) +
                                  " is a sweep of task sizes; set it with --max-task-us, --min-task-us, --width");
  }
  return in;
}

namespace {

std::uint64_t fib_closed_form(int n) {
  std::uint64_t a = 0, b = 1;
  for (int i = 0; i < n; ++i) {
    std::uint64_t c = a + b;
    a = b;
    b = c;
  }
  return a;
}

// Number of solutions of n-queens, n = 1..16 (OEIS A000170).
constexpr std::uint64_t kQueens[] = {0,     1,      0,       0,        2,         10,
                                     4,     40,     92,      352,      724,       2680,
                                     14200, 73712,  365596,  2279184,  14772512};

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("serial reference disagrees with the known value: " + what);
}

}  // namespace

Reference reference(SuiteId s, const Input& in) {
  Reference r;
  switch (s) {
    case SuiteId::fib: {
      const int n = static_cast<int>(in.n);
      r.answer = fib_serial(n);
      r.tasks = fib_spawns(n);
      check(r.answer == fib_closed_form(n), in.label);
      break;
    }
    case SuiteId::nqueens: {
      NQueensCount c = nqueens_reference(static_cast<int>(in.n));
      r.answer = c.solutions;
      r.tasks = c.spawns;
      check(r.answer == kQueens[in.n], in.label);
      break;
    }
    case SuiteId::uts_t1l:
    case SuiteId::uts_t3l: {
      uts::Count c = uts_reference(*in.tree);
      r.answer = c.nodes;
      r.tasks = c.spawns;
      r.note = "tree depth " + std::to_string(c.max_depth);
      check(in.tree->expected_nodes == 0 || r.answer == in.tree->expected_nodes,
            in.label + ": " + std::to_string(r.answer) + " nodes, pinned " +
                std::to_string(in.tree->expected_nodes));
      break;
    }
    case SuiteId::matmul: {
      // The answer is the number of elements of C that match the serial result (all n * n of them);
      // the serial result itself is checked on a few elements computed directly.
      const matmul::Problem& p = matmul::problem(static_cast<int>(in.n));
      const std::size_t n = static_cast<std::size_t>(in.n);
      for (std::size_t i : {std::size_t{0}, n / 2, n - 1})
        for (std::size_t j : {std::size_t{0}, n / 3, n - 1}) {
          double direct = 0;
          for (std::size_t k = 0; k < n; ++k) direct += p.a[i * n + k] * p.b[k * n + j];
          check(std::fabs(direct - p.ref[i * n + j]) <= 1e-9 * static_cast<double>(n),
                in.label + ": C[" + std::to_string(i) + "][" + std::to_string(j) + "]");
        }
      r.answer = static_cast<std::uint64_t>(n * n);
      r.tasks = p.spawns;
      r.note = "leaf " + std::to_string(matmul::kLeaf) + "^3, answer = elements matching serial";
      break;
    }
    case SuiteId::park:
      r.answer = static_cast<std::uint64_t>(in.n);  // every iteration completed
      r.tasks = static_cast<std::uint64_t>(in.n);
      break;
    case SuiteId::cholesky:
    case SuiteId::stencil:
    case SuiteId::taskbench: return graph_reference(s, in);
  }
  return r;
}

}  // namespace bench
