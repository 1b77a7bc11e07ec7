// StarPU 1.3 Cholesky: every tile is a registered matrix data handle (starpu_matrix_data_register on
// the tile inside the big row-major array: ld = n, nx = ny = b), each kernel a codelet with a CPU
// implementation, and tasks are submitted with STARPU_R / STARPU_RW access modes so that StarPU
// infers the dependences (sequential consistency, its default). CPU workers only; they are paused
// (starpu_pause) between runs, since idle StarPU workers poll and would steal the cores.
#include <starpu.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "cholesky/cholesky.hpp"
#include "cholesky/kernels.hpp"
#include "spawn_deps/deps.hpp"

namespace bench::chol {
namespace {

std::atomic<bool> g_failed{false};

double* ptr(void* buffer) { return reinterpret_cast<double*>(STARPU_MATRIX_GET_PTR(buffer)); }
long ld(void* buffer) { return static_cast<long>(STARPU_MATRIX_GET_LD(buffer)); }
long nx(void* buffer) { return static_cast<long>(STARPU_MATRIX_GET_NX(buffer)); }  // columns
long ny(void* buffer) { return static_cast<long>(STARPU_MATRIX_GET_NY(buffer)); }  // rows

void potrf_cpu(void* buffers[], void*) {
  if (!potrf(ptr(buffers[0]), ld(buffers[0]), ny(buffers[0]))) g_failed.store(true);
}
void trsm_cpu(void* buffers[], void*) {
  trsm(ptr(buffers[0]), ld(buffers[0]), ptr(buffers[1]), ld(buffers[1]), ny(buffers[1]), nx(buffers[1]));
}
void syrk_cpu(void* buffers[], void*) {
  syrk(ptr(buffers[0]), ld(buffers[0]), ptr(buffers[1]), ld(buffers[1]), ny(buffers[1]), nx(buffers[0]));
}
void gemm_cpu(void* buffers[], void*) {
  gemm(ptr(buffers[0]), ld(buffers[0]), ptr(buffers[1]), ld(buffers[1]), ptr(buffers[2]), ld(buffers[2]),
       ny(buffers[2]), nx(buffers[2]), nx(buffers[0]));
}

starpu_codelet make_codelet(const char* name, starpu_cpu_func_t fn, std::initializer_list<starpu_data_access_mode> modes) {
  starpu_codelet cl;
  starpu_codelet_init(&cl);
  cl.name = name;
  cl.cpu_funcs[0] = fn;
  cl.nbuffers = static_cast<int>(modes.size());
  int i = 0;
  for (auto m : modes) cl.modes[i++] = m;
  return cl;
}

starpu_codelet potrf_cl, trsm_cl, syrk_cl, gemm_cl;
int g_workers = 0;

}  // namespace

bool have_starpu() { return true; }

StarpuSession::StarpuSession(int workers) {
  // Quiet unless the user asked otherwise; CPU workers only.
  setenv("STARPU_SILENT", "1", 0);
  starpu_conf conf;
  starpu_conf_init(&conf);
  conf.ncpus = workers;
  conf.ncuda = 0;
  conf.nopencl = 0;
  conf.nmic = 0;
  conf.nmpi_ms = 0;
  const int rc = starpu_init(&conf);
  if (rc != 0) throw std::runtime_error("starpu_init failed (" + std::to_string(rc) + ")");
  g_workers = static_cast<int>(starpu_cpu_worker_get_count());
  potrf_cl = make_codelet("potrf", potrf_cpu, {STARPU_RW});
  trsm_cl = make_codelet("trsm", trsm_cpu, {STARPU_R, STARPU_RW});
  syrk_cl = make_codelet("syrk", syrk_cpu, {STARPU_R, STARPU_RW});
  gemm_cl = make_codelet("gemm", gemm_cpu, {STARPU_R, STARPU_R, STARPU_RW});
  // Idle StarPU workers poll in a tight loop; paused, they leave the cores to the other runtimes.
  starpu_pause();
}

StarpuSession::~StarpuSession() {
  starpu_resume();
  starpu_shutdown();
}

std::string StarpuSession::describe() const {
  const char* sched = std::getenv("STARPU_SCHED");
  return std::to_string(g_workers) + " CPU workers, scheduler " + (sched ? sched : "default (lws)");
}

double StarpuSession::time(double* a, long n, long b) {
  const long nt = n / b;
  std::vector<starpu_data_handle_t> h(static_cast<std::size_t>(nt * nt), nullptr);
  auto handle = [&](long i, long j) -> starpu_data_handle_t& { return h[static_cast<std::size_t>(i * nt + j)]; };
  for (long i = 0; i < nt; ++i)
    for (long j = 0; j <= i; ++j)
      starpu_matrix_data_register(&handle(i, j), STARPU_MAIN_RAM, reinterpret_cast<uintptr_t>(a + i * b * n + j * b),
                                  static_cast<uint32_t>(n), static_cast<uint32_t>(b), static_cast<uint32_t>(b),
                                  sizeof(double));
  g_failed.store(false);
  auto submit = [](int rc) {
    if (rc != 0) throw std::runtime_error("starpu_task_insert failed (" + std::to_string(rc) + ")");
  };
  starpu_resume();
  const auto t0 = deps::Clock::now();
  for (long k = 0; k < nt; ++k) {
    submit(starpu_task_insert(&potrf_cl, STARPU_RW, handle(k, k), 0));
    for (long i = k + 1; i < nt; ++i) submit(starpu_task_insert(&trsm_cl, STARPU_R, handle(k, k), STARPU_RW, handle(i, k), 0));
    for (long i = k + 1; i < nt; ++i) {
      submit(starpu_task_insert(&syrk_cl, STARPU_R, handle(i, k), STARPU_RW, handle(i, i), 0));
      for (long j = k + 1; j < i; ++j)
        submit(starpu_task_insert(&gemm_cl, STARPU_R, handle(i, k), STARPU_R, handle(j, k), STARPU_RW, handle(i, j), 0));
    }
  }
  starpu_task_wait_for_all();
  const double seconds = deps::seconds_since(t0);
  for (starpu_data_handle_t x : h)
    if (x) starpu_data_unregister(x);
  starpu_pause();
  if (g_failed.load()) throw std::runtime_error("starpu: the matrix is not positive definite");
  return seconds;
}

}  // namespace bench::chol
