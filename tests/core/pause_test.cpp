// pause, pauseforever, sleep, wakeup: tests.md T5, T6, and timer precision.
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <vector>

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
  std::vector<double> late;
  copas::loop([&] {
    for (int i = 0; i < 11; ++i) {
      auto t0 = copas::clock::now();
      copas::pause(0.05);
      double took = copas::to_seconds(copas::clock::now() - t0);
      EXPECT_GE(took, 0.05);  // never early, whatever the load
      late.push_back(took - 0.05);
    }
  });
  std::sort(late.begin(), late.end());
  // Typically ~1 ms (epoll's millisecond rounding). The median is robust to a loaded CI machine;
  // the worst case only has to stay sane.
  EXPECT_LT(late[late.size() / 2], 0.005);
  EXPECT_LT(late.back(), 0.1);
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
  EXPECT_LT(elapsed, 0.5);
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

namespace {

// Several sleepers with different periods: none of them may ever wake early.
TEST(Pause, NeverEarlyAmongOtherSleepers) {
  double shortest = 1;
  bool stop = false;  // outlives the initializer, which ends first
  copas::loop([&] {
    for (int i = 0; i < 4; ++i)
      copas::addthread([&] {
        while (!stop) copas::pause(0.003);
      });
    for (int i = 0; i < 100; ++i) shortest = std::min(shortest, copas::pause(0.01));
    stop = true;
  });
  EXPECT_GE(shortest, 0.01);
}

}  // namespace
