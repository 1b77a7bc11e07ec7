// Reductions through layers: a task that only passes a Reduce accessor on allocates and folds nothing;
// buffers are allocated in chunks on first touch and only touched chunks are folded; a reducer that
// failed folds nothing; an Op::fold that throws while folding back becomes the task's exception and
// leaves the region as it was; disjoint, overlapping, sparse and 2-D reducers give the right sums.
#include <canopy/canopy.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "../test_support.hpp"

using canopy_test::peek;
using canopy_test::runtime_config;

// ---- a counting hook: every byte this process allocates through operator new ---------------------------
// The replacements allocate with malloc and free with free; GCC cannot see that when it inlines them.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace {
std::atomic<std::uint64_t> allocated_bytes{0};
}  // namespace

// AddressSanitizer has its own allocator (and would see the library's other operator new forms freed
// here): under it nothing is counted and the byte checks pass over.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kCountsBytes = false;
#else
constexpr bool kCountsBytes = true;
void* operator new(std::size_t n) {
  allocated_bytes.fetch_add(n, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a) {
  allocated_bytes.fetch_add(n, std::memory_order_relaxed);
  const std::size_t al = static_cast<std::size_t>(a);
  if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
#endif

namespace {

using R1 = canopy::Region<double>;
using L1 = canopy::Region<long>;

/// CountingSum is Sum that counts its folds (the body's into the buffer and the final ones).
std::atomic<std::uint64_t> counted_folds{0};
struct CountingSum {
  static double identity() { return 0.0; }
  static void fold(double& a, const double& b) noexcept {
    counted_folds.fetch_add(1, std::memory_order_relaxed);
    a += b;
  }
};

// ---- a forwarding layer ----------------------------------------------------------------------------------

void leaf_one(canopy::Context&, canopy::Reduce<double, CountingSum> acc, std::int64_t at) { acc.fold(at, 1.0); }

void forward(canopy::Context& ctx, canopy::Reduce<double, CountingSum> acc, int layers, std::int64_t at) {
  if (layers == 0) ctx.spawn(leaf_one, canopy::reduce<CountingSum>(acc), at);
  else ctx.spawn(forward, canopy::reduce<CountingSum>(acc.region()), layers - 1, at);
}

// ---- failures --------------------------------------------------------------------------------------------

void write_value(canopy::Context&, canopy::Write<long> w, long v) {
  for (long& x : w) x = v;
}
long read_first(canopy::Context&, canopy::Read<long> r) { return r[r.bounds().lo[0]]; }
void add_then_throw(canopy::Context&, canopy::Reduce<long, canopy::Sum> acc) {
  acc += 5;
  throw std::runtime_error("reducer failed after folding");
}
void add_then_child_throws(canopy::Context& ctx, canopy::Reduce<long, canopy::Sum> acc) {
  acc += 7;
  ctx.spawn(add_then_throw, canopy::reduce<canopy::Sum>(acc));  // its error becomes this task's
}
/// read_after_failure spawns `reducer` on v, expects it to fail, then reads v's first element (-1: it
/// did not fail).
long read_after_failure(canopy::Context& ctx, const L1& v, void (*reducer)(canopy::Context&, canopy::Reduce<long, canopy::Sum>)) {
  auto f = ctx.spawn(reducer, canopy::reduce<canopy::Sum>(v));
  try {
    f.get();
    return -1;
  } catch (const std::runtime_error&) {
  }
  return ctx.spawn(read_first, canopy::read(v)).get();
}

struct Poisoned : std::runtime_error {
  Poisoned() : std::runtime_error("poisoned element") {}
};
/// PoisonSum refuses to fold into an element of 1000 or more (only the region has one).
struct PoisonSum {
  static long identity() { return 0; }
  static void fold(long& a, const long& b) {
    if (a >= 1000) throw Poisoned();
    a += b;
  }
};
void fill_poisoned(canopy::Context&, canopy::Write<long> w) {
  for (std::int64_t i = w.bounds().lo[0]; i < w.bounds().hi[0]; ++i) w[i] = i == 600 ? 1000 : 1;
}
void add_everywhere(canopy::Context&, canopy::Reduce<long, PoisonSum> acc) {
  for (std::int64_t i = acc.bounds().lo[0]; i < acc.bounds().hi[0]; ++i) acc.fold(i, 1);
}
std::vector<long> copy_of(canopy::Context&, canopy::Read<long> r) { return {r.begin(), r.end()}; }

// ---- many reducers ---------------------------------------------------------------------------------------

/// CheckedSum is Sum with a fold that may throw (it never does): the path that locks every stripe first.
struct CheckedSum {
  static long identity() { return 0; }
  static void fold(long& a, const long& b) {
    if (b < 0) throw std::logic_error("negative");
    a += b;
  }
};
void piece_adds_index(canopy::Context&, std::size_t, canopy::Reduce<long, canopy::Sum> acc) {
  for (std::int64_t i = acc.bounds().lo[0]; i < acc.bounds().hi[0]; ++i) acc.fold(i, i);
}
void every_second(canopy::Context&, std::size_t k, canopy::Reduce<long, CheckedSum> acc,
                  canopy::Reduce<long, CheckedSum> again) {
  const auto k64 = static_cast<std::int64_t>(k);
  for (std::int64_t i = acc.bounds().lo[0] + k64 % 2; i < acc.bounds().hi[0]; i += 2) acc.fold(i, 1);
  for (std::int64_t i = again.bounds().lo[0] + 1 - k64 % 2; i < again.bounds().hi[0]; i += 2) again.fold(i, 1);
}

void sparse_one(canopy::Context&, std::size_t k, canopy::Reduce<long, canopy::Sum> acc) {
  const std::int64_t n = static_cast<std::int64_t>(acc.size());
  acc.fold(static_cast<std::int64_t>(k) * 7919 % n, static_cast<long>(k) + 1);
}

// ---- 2-D -------------------------------------------------------------------------------------------------

/// fold_box folds value(i, j) into every element of the accessor's box.
template <class Value>
void fold_box(const canopy::Reduce<int, canopy::Sum, 2>& acc, Value value) {
  const canopy::Rect<2> b = acc.bounds();
  for (std::int64_t i = b.lo[0]; i < b.hi[0]; ++i)
    for (std::int64_t j = b.lo[1]; j < b.hi[1]; ++j) acc.fold(i, j, value(i, j));
}
void fold_block(canopy::Context&, std::size_t, canopy::Reduce<int, canopy::Sum, 2> acc) {
  fold_box(acc, [](std::int64_t i, std::int64_t j) { return static_cast<int>(i * 100 + j); });
}
void fold_inner(canopy::Context&, canopy::Reduce<int, canopy::Sum, 2> acc) {
  fold_box(acc, [](std::int64_t, std::int64_t) { return 1; });
}
void fold_corners(canopy::Context& ctx, canopy::Reduce<int, canopy::Sum, 2> acc) {
  const canopy::Rect<2> b = acc.bounds();
  acc.fold(b.lo[0], b.lo[1], 1000);
  acc.fold(b.hi[0] - 1, b.hi[1] - 1, 1000);
  ctx.spawn(fold_inner, canopy::reduce<canopy::Sum>(acc.region().sub(canopy::Rect<2>{{10, 5}, {30, 40}})));
}

}  // namespace

TEST_CASE("a layer that only forwards a reduction allocates nothing and folds nothing", "[layers][reduce]") {
  constexpr std::int64_t kElems = std::int64_t{4} << 20;  // 32 MiB of doubles
  const int workers = CANOPY_WORKER_COUNTS();
  const int layers = GENERATE(1, 3);
  canopy::Runtime rt(runtime_config(workers));
  counted_folds = 0;
  std::uint64_t bytes = 0;
  const double got = rt.run([&](canopy::Context& ctx) {
    R1 r = ctx.create_region<double>(kElems);
    const std::uint64_t before = allocated_bytes.load();
    ctx.spawn(forward, canopy::reduce<CountingSum>(r), layers, kElems / 2 + 3).get();
    bytes = allocated_bytes.load() - before;
    return ctx.access(canopy::read(r))[kElems / 2 + 3];
  });
  CHECK(got == 1.0);
  // The leaf folds one value into its buffer, then one chunk (at most 512 elements) into the region.
  CHECK(counted_folds.load() <= 1 + 512);
  // Frames, the leaf's directory and one chunk: kilobytes. A buffer of the whole box would be 32 MiB.
  if (kCountsBytes) CHECK(bytes < (std::uint64_t{1} << 20));
}

TEST_CASE("a reducer whose body threw folds nothing", "[layers][reduce]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  const std::vector<long> seen = rt.run([](canopy::Context& ctx) {
    L1 v = ctx.create_region<long>(1);
    ctx.spawn(write_value, canopy::write(v), 100L);
    // A reducer whose child failed fails too: its own folds are dropped with the child's.
    return std::vector<long>{read_after_failure(ctx, v, add_then_throw), read_after_failure(ctx, v, add_then_child_throws)};
  });
  CHECK(seen == std::vector<long>{100, 100});
}

TEST_CASE("an Op::fold that throws while folding back is the task's exception, and the region is unchanged",
          "[layers][reduce]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  std::string caught;
  const std::vector<long> after = rt.run([&](canopy::Context& ctx) {
    L1 v = ctx.create_region<long>(2000);  // elements 0-1999: four chunks, element 600 poisoned
    ctx.spawn(fill_poisoned, canopy::write(v));
    auto f = ctx.spawn(add_everywhere, canopy::reduce<PoisonSum>(v));
    try {
      f.get();
    } catch (const Poisoned& e) {
      caught = e.what();
    }
    return ctx.spawn(copy_of, canopy::read(v)).get();
  });
  CHECK(caught == "poisoned element");
  REQUIRE(after.size() == 2000);
  std::size_t changed = 0;
  for (std::size_t i = 0; i < after.size(); ++i) changed += after[i] != (i == 600 ? 1000 : 1);
  CHECK(changed == 0);
}

TEST_CASE("many reducers on disjoint pieces and overlapping reducers give the right sums", "[layers][reduce]") {
  constexpr std::int64_t kElems = 100000;
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  std::vector<long> got;
  rt.run([&](canopy::Context& ctx) {
    L1 v = ctx.create_region<long>(kElems);
    auto parts = v.partition_equal(1000);
    ctx.spawn_each(parts.size(), piece_adds_index, canopy::reduce<canopy::Sum>(canopy::each(parts)));
    // 10 overlapping reducers over the whole region with an Op whose fold may throw, each holding two
    // accessors of the same region (one buffer); together they add 10 to every element.
    ctx.spawn_each(10, every_second, canopy::reduce<CheckedSum>(v), canopy::reduce<CheckedSum>(v));
    ctx.wait_all();
    got = ctx.spawn(copy_of, canopy::read(v)).get();
  });
  REQUIRE(got.size() == static_cast<std::size_t>(kElems));
  std::size_t wrong = 0;
  for (std::int64_t i = 0; i < kElems; ++i) wrong += got[static_cast<std::size_t>(i)] != i + 10;
  CHECK(wrong == 0);
}

TEST_CASE("sparse reducers on a large region give the right sums", "[layers][reduce]") {
  constexpr std::int64_t kElems = 10000000;
  constexpr std::size_t kReducers = 10000;
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  std::uint64_t bytes = 0;
  L1 kept;
  rt.run([&](canopy::Context& ctx) {
    L1 v = ctx.create_region<long>(kElems);
    const std::uint64_t before = allocated_bytes.load();
    ctx.spawn_each(kReducers, sparse_one, canopy::reduce<canopy::Sum>(v)).get();
    bytes = allocated_bytes.load() - before;
    kept = v;
  });
  std::map<std::int64_t, long> want;
  for (std::size_t k = 0; k < kReducers; ++k) want[static_cast<std::int64_t>(k) * 7919 % kElems] += static_cast<long>(k) + 1;
  canopy::Read<long> r = peek(kept);
  std::size_t wrong = 0;
  long total = 0;
  for (std::int64_t i = 0; i < kElems; ++i) {
    total += r[i];
    auto it = want.find(i);
    wrong += r[i] != (it == want.end() ? 0 : it->second);
  }
  CHECK(wrong == 0);
  CHECK(total == static_cast<long>(kReducers * (kReducers + 1) / 2));
  // Each reducer allocates its directory (2 KiB of pointers for 10^7 elements) and one chunk: far less
  // than the 80 MB of a buffer of the whole region each.
  if (kCountsBytes) CHECK(bytes < kReducers * (std::uint64_t{64} << 10));
}

TEST_CASE("2-D reductions: blocks, a sub-box inside a row, and a forwarding task that folds too", "[layers][reduce]") {
  canopy::Runtime rt(runtime_config(CANOPY_WORKER_COUNTS()));
  std::vector<int> got;
  rt.run([&](canopy::Context& ctx) {
    auto m = ctx.create_region<int, 2>({48, 64});
    std::vector<canopy::Rect<2>> blocks;
    for (std::int64_t i = 0; i < 48; i += 16)
      for (std::int64_t j = 0; j < 64; j += 16) blocks.push_back(canopy::Rect<2>{{i, j}, {i + 16, j + 16}});
    auto parts = m.partition(blocks);
    ctx.spawn_each(parts.size(), fold_block, canopy::reduce<canopy::Sum>(canopy::each(parts)));
    for (int k = 0; k < 3; ++k) ctx.spawn(fold_corners, canopy::reduce<canopy::Sum>(m));
    ctx.wait_all();
    canopy::Read<int, 2> r = ctx.access(canopy::read(m));
    for (std::int64_t i = 0; i < 48; ++i)
      for (std::int64_t j = 0; j < 64; ++j) got.push_back(r(i, j));
  });
  REQUIRE(got.size() == 48u * 64u);
  std::size_t wrong = 0;
  for (std::int64_t i = 0; i < 48; ++i)
    for (std::int64_t j = 0; j < 64; ++j) {
      int want = static_cast<int>(i * 100 + j);
      if ((i == 0 && j == 0) || (i == 47 && j == 63)) want += 3000;
      if (i >= 10 && i < 30 && j >= 5 && j < 40) want += 3;
      wrong += got[static_cast<std::size_t>(i * 64 + j)] != want;
    }
  CHECK(wrong == 0);
}
