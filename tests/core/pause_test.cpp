// pause, pauseforever, sleep, wakeup: tests.md T5, T6, and timer precision.
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace {

TEST(Pause, ReturnsElapsedSeconds) {  // T5
  double slept = 0, zero = 1;
  copas::loop([&] {
    slept = copas::pause(0.2);
    zero = copas::pause(-1);
  });
  EXPECT_GE(slept, 0.2);
  EXPECT_LT(slept, 0.25);
  EXPECT_LT(zero, 0.01);
}

TEST(Pause, NeverEarlyAndOnlyAFewMillisecondsLate) {
  double worst_late = 0;
  copas::loop([&] {
    for (int i = 0; i < 10; ++i) {
      auto t0 = copas::clock::now();
      copas::pause(0.05);
      double took = copas::to_seconds(copas::clock::now() - t0);
      EXPECT_GE(took, 0.05);
      worst_late = std::max(worst_late, took - 0.05);
    }
  });
  EXPECT_LT(worst_late, 0.02);  // a few ms on an idle machine; slack for CI and sanitizers
}

TEST(Pause, AcceptsChronoDurations) {
  double slept = 0;
  copas::loop([&] { slept = copas::pause(std::chrono::milliseconds(30)); });
  EXPECT_GE(slept, 0.03);
}

TEST(Pause, ForeverKeepsLoopAliveUntilWoken) {
  copas::thread sleeper = copas::addthread([] { copas::pause(copas::forever); });
  copas::addthread([&] {
    copas::pause(0.05);
    EXPECT_FALSE(copas::finished());
    EXPECT_TRUE(copas::wakeup(sleeper));
  });
  copas::loop();
  EXPECT_FALSE(sleeper.alive());
}

TEST(Pause, SleepMinusOneSleepsUntilWakeup) {  // T6
  bool resumed = false;
  copas::thread t = copas::addthread([&] {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    copas::sleep(-1);
#pragma GCC diagnostic pop
    resumed = true;
  });
  copas::addthread([&] {
    copas::pause(0.1);
    copas::wakeup(t);
  });
  copas::loop();
  EXPECT_TRUE(resumed);
}

TEST(Pause, WakeupOfPauseforeverReturnsElapsed) {
  double elapsed = 0;
  copas::thread t = copas::addthread([&] { elapsed = copas::pauseforever(); });
  copas::addthread([&] {
    copas::pause(0.1);
    EXPECT_TRUE(copas::wakeup(t));
  });
  copas::loop();
  EXPECT_GE(elapsed, 0.1);
  EXPECT_LT(elapsed, 0.2);
}

TEST(Pause, WakeupEndsATimedPauseEarly) {
  double elapsed = 1;
  copas::thread t = copas::addthread([&] { elapsed = copas::pause(10); });
  copas::addthread([&] {
    copas::pause(0.05);
    copas::wakeup(t);
  });
  copas::loop();
  EXPECT_LT(elapsed, 1.0);
}

TEST(Pause, WakeupOfANonSleeperIsNotSleeping) {
  copas::thread ready = copas::addthread([] { copas::pause(); });
  copas::addthread([&] {
    EXPECT_FALSE(copas::wakeup(ready));  // ready, not sleeping
    EXPECT_FALSE(copas::wakeup(copas::running_thread()));
  });
  copas::loop();
  EXPECT_FALSE(copas::wakeup(ready));  // dead
}

}  // namespace
