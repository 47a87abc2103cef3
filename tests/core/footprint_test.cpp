// Memory back (dispatcher_options::stack_pool_hot, trim_heap_after): after a burst of fibers has
// ended, the pages their stacks and heap buffers used go back to the OS. Measured as this
// process's resident set, so not in sanitizer builds (their allocators keep freed memory in
// quarantine and map shadow memory of their own).
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <thread>
#include <vector>

#if !defined(COPAS_ASAN) && !defined(COPAS_TSAN)

namespace {

long resident_kib() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Touches `kib` KiB of the calling fiber's stack.
[[gnu::noinline]] void touch_stack(std::size_t kib) {
  std::vector<char> unused;  // keeps the frame from being merged into the caller's
  volatile char frame[64 * 1024];
  for (std::size_t i = 0; i < kib * 1024 && i < sizeof frame; i += 512) frame[i] = 1;
  (void)unused;
}

struct rise_and_fall {
  long before = 0, peak = 0, after = 0;
  double given_back() const {
    return static_cast<double>(peak - after) / static_cast<double>(peak - before);
  }
};

// On a thread of its own with `options`: `n` fibers each run `work(hold)`, which calls hold() while
// it holds what it touched; the main fiber measures before, once every fiber is holding (the
// peak), and once every fiber has ended and the loop has blocked since. Counted, not timed: on a
// loaded machine 400 fibers may take any time to get there.
template <typename Work>
rise_and_fall burst(copas::dispatcher_options options, int n, Work work) {
  rise_and_fall m;
  std::thread([&] {
    copas::dispatcher::create(options);
    copas::loop([&] {
      int holding = 0, ended = 0;
      bool release = false;
      auto hold = [&] {
        ++holding;
        while (!release) copas::pause(0.01);
      };
      m.before = resident_kib();
      for (int i = 0; i < n; ++i)
        copas::addthread([&] {
          work(hold);
          ++ended;
        });
      while (holding < n) copas::pause(0.01);
      m.peak = resident_kib();
      release = true;
      while (ended < n) copas::pause(0.01);
      copas::pause(0.1);  // the ended fibers are cleaned up; the loop blocks meanwhile
      m.after = resident_kib();
    });
  }).join();
  return m;
}

// 400 fibers each touching 48 KiB of its stack, with this many pooled stacks kept hot.
rise_and_fall stack_burst(std::size_t hot) {
  copas::dispatcher_options o;
  o.stack_pool_hot = hot;
  o.trim_heap_after = 0;
  return burst(o, 400, [](auto& hold) {
    touch_stack(48);
    hold();
  });
}

// 400 fibers each holding a 64 KiB heap buffer (below glibc's mmap threshold), and leaving a small
// block above it (a pin: free() alone cannot shrink the heap past it), with this trim_heap_after.
rise_and_fall heap_burst(std::size_t trim_after) {
  copas::dispatcher_options o;
  o.stack_pool_hot = 0;
  o.trim_heap_after = trim_after;
  std::vector<std::unique_ptr<char[]>> pins;
  pins.reserve(400);
  return burst(o, 400, [&](auto& hold) {
    auto buffer = std::make_unique<char[]>(64 * 1024);
    std::memset(buffer.get(), 1, 64 * 1024);
    pins.push_back(std::make_unique<char[]>(64));
    hold();
  });
}

}  // namespace

TEST(Footprint, PooledStacksPastTheHotOnesGiveTheirPagesBack) {
  auto m = stack_burst(8);
  ASSERT_GT(m.peak - m.before, 400 * 40) << "the fibers did not touch their stacks";
  EXPECT_GE(m.given_back(), 0.8) << "before " << m.before << " KiB, peak " << m.peak
                                 << " KiB, after " << m.after << " KiB";
}

TEST(Footprint, StacksWithinTheHotSetKeepTheirPages) {
  auto m = stack_burst(4096);
  ASSERT_GT(m.peak - m.before, 400 * 40);
  EXPECT_LT(m.given_back(), 0.2);  // kept for the next burst: a spawn then faults in nothing
}

TEST(Footprint, HeapBuffersOfEndedFibersGoBackOnceTheLoopIdles) {
  auto m = heap_burst(100);
  ASSERT_GT(m.peak - m.before, 400 * 60) << "the buffers were not resident";
  EXPECT_GE(m.given_back(), 0.8) << "before " << m.before << " KiB, peak " << m.peak
                                 << " KiB, after " << m.after << " KiB";
}

TEST(Footprint, WithoutTrimmingTheHeapKeepsThem) {
  auto m = heap_burst(0);
  ASSERT_GT(m.peak - m.before, 400 * 60);
  EXPECT_LT(m.given_back(), 0.5);  // the control: what the trim above is for
}

#endif
