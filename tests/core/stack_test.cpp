// Fiber stacks: guard pages, pooling, the guard budget, overflow.
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include "scale.hpp"

#include <cstring>

namespace {

// Recursion the optimizer cannot flatten: each frame keeps a buffer alive across the call. Endless
// on purpose: it overflows the fiber's stack.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"
int recurse(int depth) {
  volatile char buf[1024];
  std::memset(const_cast<char*>(buf), depth & 0xff, sizeof buf);
  return recurse(depth + 1) + buf[depth % sizeof buf];
}
#pragma GCC diagnostic pop

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr const char* overflow_message = "stack-overflow|SEGV|overflow";
#else
constexpr const char* overflow_message = "copas: stack overflow in fiber 'deep'";
#endif

TEST(StackDeathTest, OverflowFaultsClearlyNamingTheFiber) {
  EXPECT_DEATH(
      {
        copas::addnamedthread("deep", [] { recurse(0); });
        copas::loop();
      },
      overflow_message);
}

TEST(Stack, StacksArePooledAndGuarded) {
  auto& d = copas::dispatcher::current();
  copas::loop([] {
    for (int i = 0; i < 100; ++i) copas::addthread([] { copas::pause(); });
  });
  auto after_first = d.stacks();
  EXPECT_EQ(after_first.guarded_live, 0u);  // every fiber ended; stacks back in the pool
  EXPECT_GE(after_first.pooled_free, 100u);
  copas::loop([] {
    for (int i = 0; i < 100; ++i) copas::addthread([] { copas::pause(); });
  });
  EXPECT_EQ(d.stacks().pooled_free, after_first.pooled_free);  // reused, not remapped
}

TEST(Stack, PerFiberStackSize) {
  bool ok = false;
  copas::addthread(copas::thread_options{.stack_size = 1024 * 1024}, [&] {
    volatile char big[512 * 1024];
    big[0] = 1;
    big[sizeof big - 1] = 1;
    ok = big[0] == 1;
  });
  copas::loop();
  EXPECT_TRUE(ok);
}

TEST(Stack, PastTheGuardBudgetStacksAreUnguardedWithAWarning) {
  std::thread t([] {
    auto& d = copas::dispatcher::create({.guard_budget = 10});
    int done = 0;
    testing::internal::CaptureStderr();
    copas::loop([&] {
      for (int i = 0; i < 50; ++i)
        copas::addthread([&] {
          copas::pause();
          ++done;
        });
      copas::pause();
      auto s = d.stacks();
      // 51 fibers: the 50 and copas_initializer itself.
      EXPECT_EQ(s.guarded_live, 10u);
      EXPECT_EQ(s.unguarded_live, 41u);
      EXPECT_EQ(s.unguarded_warnings, 41u);
    });
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("further stacks have no guard page"), std::string::npos);
    EXPECT_EQ(done, 50);
  });
  t.join();
}

TEST(Stack, TwoHundredThousandFibersSpawn) {
  int parked = 0, done = 0;
  copas::loop([&] {
    for (int i = 0; i < copas_test_scale(200000); ++i)
      copas::addthread([&] {
        ++parked;
        copas::pause(0.05);
        ++done;
      });
  });
  EXPECT_EQ(parked, copas_test_scale(200000));
  EXPECT_EQ(done, copas_test_scale(200000));
}

}  // namespace
