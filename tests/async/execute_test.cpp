// os_execute: Lua 5.2+'s os.execute results, on a worker (tests.md AS10, AS11).
#include <copas/async.hpp>
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include "async_test_support.hpp"

#include <chrono>

namespace async = copas::async;
using copas::test::since;
using steady = std::chrono::steady_clock;

TEST(AsyncExecute, AS10_SuccessIsTrueExitZero) {
  int ticks = 0;
  bool done = false;  // outlives the loop: the ticker reads it after the init fiber returns
  copas::loop([&] {
    copas::test::start_ticker(0.05, ticks, done);
    auto start = steady::now();
    auto r = async::os_execute("sleep 1");
    done = true;
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, (async::exit_status{true, "exit", 0}));
    EXPECT_GE(since(start), 1.0);
  });
  EXPECT_GE(ticks, 15);  // the dispatcher was never blocked
}

TEST(AsyncExecute, AS11_FailureIsNilExitCode) {
  copas::loop([] {
    auto r = async::os_execute("sleep 1; exit 123");
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, (async::exit_status{false, "exit", 123}));
  });
}

TEST(AsyncExecute, KilledBySignal) {
  copas::loop([] {
    auto r = async::os_execute("kill -9 $$");
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, (async::exit_status{false, "signal", 9}));
  });
}

TEST(AsyncExecute, UnknownCommandIsExit127) {
  copas::loop([] {
    auto r = async::os_execute("nonexistent-cmd-xyz 2>/dev/null");
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, (async::exit_status{false, "exit", 127}));
  });
  EXPECT_FALSE(copas::test::has_children());
}

TEST(AsyncExecute, ManyCommandsAtOnce) {
  int ok = 0;
  copas::loop([&] {
    for (int i = 0; i < 20; ++i)
      copas::addthread([&ok, i] {
        auto r = async::os_execute("exit " + std::to_string(i));
        if (r && r->code == i && r->ok == (i == 0)) ++ok;
      });
  });
  EXPECT_EQ(ok, 20);
  EXPECT_FALSE(copas::test::has_children());
}
