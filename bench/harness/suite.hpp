// The benchmark's vocabulary: suites (kernels), runtimes, inputs per size, reference answers, samples.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/graph_params.hpp"
#include "taskbench/taskbench.hpp"
#include "uts/uts_tree.hpp"

namespace bench {

// cholesky, stencil and taskbench are task graphs with data dependences (graph_suites.hpp); stencil
// and taskbench are METG sweeps: one block per task size (sweep.hpp).
enum class SuiteId { fib, nqueens, uts_t1l, uts_t3l, matmul, park, cholesky, stencil, taskbench };
// canopy-hier: Canopy's Cholesky whose tasks split large tiles into child tasks (the Canopy runtime of
// the same worker count runs it); llvm-omp: LLVM's libomp, in a server process of its own.
enum class RuntimeId { serial, tbb, omp, canopy, boost_fiber, canopy_hier, starpu, llvm_omp };

inline constexpr SuiteId kAllSuites[] = {SuiteId::fib,    SuiteId::nqueens,  SuiteId::uts_t1l,
                                         SuiteId::uts_t3l, SuiteId::matmul,  SuiteId::park,
                                         SuiteId::cholesky, SuiteId::stencil, SuiteId::taskbench};
inline constexpr RuntimeId kAllRuntimes[] = {RuntimeId::serial,      RuntimeId::tbb,         RuntimeId::omp,
                                             RuntimeId::llvm_omp,    RuntimeId::canopy,      RuntimeId::canopy_hier,
                                             RuntimeId::starpu,      RuntimeId::boost_fiber};

std::string_view name(SuiteId s);
std::string_view name(RuntimeId r);
std::optional<SuiteId> parse_suite(std::string_view s);
std::optional<RuntimeId> parse_runtime(std::string_view s);

// Whether `r` has a version of suite `s` that can run with `workers` workers. The park pattern needs
// a second worker to steal the child, so it runs only with 2 or more.
bool supports(SuiteId s, RuntimeId r, int workers);
// Whether this canopy-bench has a backend for `r` (Canopy, StarPU and LLVM's OpenMP depend on what
// was found at build time).
bool built(RuntimeId r);
// METG sweeps run at the largest worker count only (see sweep.hpp).
inline bool is_sweep(SuiteId s) { return s == SuiteId::stencil || s == SuiteId::taskbench; }
inline bool is_graph(SuiteId s) { return s == SuiteId::cholesky || is_sweep(s); }

inline constexpr int kBoostFiberMaxFib = 27;

struct Input;
// Why `r` cannot run suite `s` on this input although it has a version of it (shown in the table
// instead of figures), or nullopt.
std::optional<std::string> skip_reason(SuiteId s, RuntimeId r, const Input& in);

struct Input {
  std::int64_t n = 0;                 // fib: n; nqueens: board size; matmul, cholesky: order; park: iterations
  const uts::Params* tree = nullptr;  // uts suites
  std::string label;                  // e.g. "fib(27)", "T1L(d13)", "20000 iters"
  long tile = 0, leaf = 0;            // cholesky: tile order; canopy-hier splits tiles larger than leaf
  // stencil, taskbench: one point of a sweep. stencil uses graph.width and graph.steps (its own
  // two-buffer stencil_1d) and the compute kernel.
  taskbench::Graph graph;
  taskbench::Kernel kernel = taskbench::Kernel::compute;
  long iterations = 0;                // kernel units per task
  std::string sweep;                  // the sweep this point belongs to, e.g. "stencil_1d/memory"
};

// The input of suite `s` at `size` ("small", "medium", "large"); `n` overrides the size's n
// (not for the UTS suites, whose trees are fixed per size), `g` cholesky's tile and leaf. The sweeps
// (stencil, taskbench) have one input per point instead (sweep.hpp). Throws std::invalid_argument.
Input input_for(SuiteId s, std::string_view size, std::optional<std::int64_t> n, const GraphParams& g = {});

// The right answer and the number of tasks a parallel version spawns, from an untimed serial run
// checked against closed forms, known values or pinned tree sizes. Throws std::runtime_error when
// the serial run disagrees with them.
struct Reference {
  std::uint64_t answer = 0;
  std::uint64_t tasks = 0;
  std::string note;  // e.g. the UTS tree's depth
};
Reference reference(SuiteId s, const Input& in);

// One timed run: time around the whole root (submission, execution, result), the answer, and
// suite-specific figures (park: the baseline pass and steal/park counts).
struct Sample {
  double seconds = 0;
  std::uint64_t answer = 0;
  std::vector<std::pair<std::string, double>> extra;
  std::string mismatch;  // where a wrong answer first differs, for the error message
};

}  // namespace bench
