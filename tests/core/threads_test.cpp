// Scheduling and threads: tests.md 1.2 (T1-T4, T7 n/a, T8), names, removethread.
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include "scale.hpp"

#include <memory>
#include <string>
#include <vector>

namespace {

TEST(Threads, RoundRobinOrder) {  // T4
  std::vector<std::string> log;
  copas::loop([&] {
    for (std::string name : {"A", "B", "C"})
      copas::addthread(
          [&log](std::string n) {
            for (int i = 1; i <= 2; ++i) {
              log.push_back(n + std::to_string(i));
              copas::pause();
            }
          },
          name);
    log.push_back("init-end");
  });
  EXPECT_EQ(log, (std::vector<std::string>{"init-end", "A1", "B1", "C1", "A2", "B2", "C2"}));
}

TEST(Threads, ArgumentsAreCopied) {
  std::string seen;
  std::string arg = "original";
  copas::addthread([&](std::string s, int n) { seen = s + std::to_string(n); }, arg, 7);
  arg = "changed";
  copas::loop();
  EXPECT_EQ(seen, "original7");
}

TEST(Threads, ScheduledNotStarted) {
  bool ran = false;
  copas::addthread([&] { ran = true; });
  EXPECT_FALSE(ran);
  copas::loop();
  EXPECT_TRUE(ran);
}

TEST(Threads, PauseforeverThreadIsReclaimed) {  // T1
  auto marker = std::make_shared<int>(1);
  std::weak_ptr<int> watch = marker;
  copas::addthread([m = std::move(marker)] { copas::pauseforever(); });
  copas::loop();
  // Still parked: its captures are alive until it is removed or the dispatcher goes.
  EXPECT_FALSE(watch.expired());
  copas::cancelall();
  copas::loop();
  EXPECT_TRUE(watch.expired());
}

TEST(Threads, RemovingAnEndlessThreadEndsTheLoop) {  // T2
  int ticks = 0;
  copas::thread t1 = copas::addthread([&] {
    for (;;) {
      ++ticks;
      copas::pause(0.05);
    }
  });
  copas::addthread([&] {
    for (int i = 0; i < 5; ++i) copas::pause(0.06);
    copas::removethread(t1);
  });
  copas::loop();
  EXPECT_FALSE(t1.alive());
  EXPECT_GE(ticks, 5);
}

TEST(Threads, RemovedSleeperNoLongerKeepsLoopAlive) {  // T3
  copas::thread sleeper = copas::addthread([] { copas::pause(2); });
  copas::addthread([&] {
    copas::pause(0.5);
    copas::removethread(sleeper);
  });
  auto t0 = copas::clock::now();
  copas::loop();
  EXPECT_LT(copas::to_seconds(copas::clock::now() - t0), 0.6);
}

TEST(Threads, RemovethreadRunsDestructors) {  // T8
  bool destroyed = false;
  bool after_pause = false;
  struct guard {
    bool& flag;
    ~guard() { flag = true; }
  };
  copas::thread t = copas::addthread([&] {
    guard g{destroyed};
    copas::pause(10);
    after_pause = true;
  });
  copas::addthread([&] {
    copas::pause(0.01);
    copas::removethread(t);
  });
  copas::loop();
  EXPECT_TRUE(destroyed);
  EXPECT_FALSE(after_pause);
}

TEST(Threads, RemovethreadOnSelfTakesEffectAtNextYield) {
  int reached = 0;
  copas::addthread([&] {
    copas::removethread(copas::running_thread());
    reached = 1;  // still runs until the next suspension point
    copas::pause();
    reached = 2;
  });
  copas::loop();
  EXPECT_EQ(reached, 1);
}

TEST(Threads, RemovethreadBeforeStartRunsNothing) {
  bool ran = false;
  copas::thread t = copas::addthread([&] { ran = true; });
  copas::removethread(t);
  copas::loop();
  EXPECT_FALSE(ran);
  EXPECT_FALSE(t.alive());
}

TEST(Threads, RemovedThreadGetsNoErrorHandler) {
  int handled = 0;
  copas::seterrorhandler([&](auto, auto&, auto) { ++handled; }, true);
  copas::thread t = copas::addthread([] { copas::pauseforever(); });
  copas::addthread([&] { copas::removethread(t); });
  copas::loop();
  EXPECT_EQ(handled, 0);
}

TEST(Threads, NamesDefaultAndSet) {  // core.md §5
  copas::thread t = copas::addnamedthread("worker", [] {});
  EXPECT_EQ(copas::getthreadname(t), "worker");
  copas::setthreadname("renamed", t);
  EXPECT_EQ(copas::getthreadname(t), "renamed");
  copas::thread u = copas::addthread([] {});
  EXPECT_EQ(copas::getthreadname(u).rfind("thread: 0x", 0), 0u);
  std::string inside;
  copas::addthread(copas::thread_options{.name = "opt"}, [&] { inside = copas::getthreadname(); });
  copas::loop();
  EXPECT_EQ(inside, "opt");
  EXPECT_THROW(copas::getthreadname(copas::thread{}), std::invalid_argument);
}

TEST(Threads, HandleOutlivesFiberAndCompares) {
  copas::thread a = copas::addthread([] {});
  copas::thread b = a;
  EXPECT_EQ(a, b);
  EXPECT_TRUE(a.alive());
  copas::loop();
  EXPECT_FALSE(a.alive());
  EXPECT_EQ(std::hash<copas::thread>()(a), std::hash<copas::thread>()(b));
  EXPECT_FALSE(copas::wakeup(a));
  copas::removethread(a);  // harmless on a dead fiber
}

TEST(Threads, HundredThousandFibersInOneLoop) {
  int done = 0;
  copas::loop([&] {
    for (int i = 0; i < copas_test_scale(100000); ++i)
      copas::addthread([&] {
        copas::pause();
        ++done;
      });
  });
  EXPECT_EQ(done, copas_test_scale(100000));
}

TEST(Threads, FifoOfReadyFibers) {
  std::vector<int> order;
  for (int i = 0; i < 50; ++i) copas::addthread([&order, i] { order.push_back(i); });
  copas::loop();
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[i], i);
}

TEST(Threads, WokenThreadRunsNextRoundNotTwiceInOne) {
  std::vector<std::string> log;
  copas::thread sleeper = copas::addthread([&] {
    copas::pauseforever();
    log.push_back("sleeper");
  });
  copas::addthread([&] {
    copas::pause();
    copas::wakeup(sleeper);
    log.push_back("waker");
    copas::pause();
    log.push_back("waker2");
  });
  copas::loop();
  EXPECT_EQ(log, (std::vector<std::string>{"waker", "sleeper", "waker2"}));
}

}  // namespace
