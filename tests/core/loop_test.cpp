// Loop lifetime: tests.md 1.1 (L1-L8, L10-L13), exit signalling.
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

TEST(Loop, ReturnsWhenTheOnlyThreadEnds) {  // L1
  bool flag = false;
  copas::addthread([&] { flag = true; });
  copas::loop();
  EXPECT_TRUE(flag);
}

TEST(Loop, WaitsForPausingThread) {  // L2
  bool flag = false;
  copas::addthread([&] {
    copas::pause(0.1);
    copas::pause(0.1);
    flag = true;
  });
  auto t0 = copas::clock::now();
  copas::loop();
  EXPECT_TRUE(flag);
  EXPECT_GE(copas::to_seconds(copas::clock::now() - t0), 0.2);
}

TEST(Loop, ReturnsAfterThreadErrors) {  // L3, L4
  copas::seterrorhandler([](auto, auto&, auto) {}, true);
  copas::addthread([] { throw std::runtime_error("immediately"); });
  copas::addthread([] {
    copas::pause(0.01);
    copas::pause(0.01);
    throw std::runtime_error("later");
  });
  copas::loop();
  SUCCEED();
}

TEST(Loop, PauseforeverDoesNotKeepTheLoopAlive) {  // L5
  copas::addthread([] { copas::pauseforever(); });
  copas::loop([] { copas::addthread([] { copas::pauseforever(); }); });
  EXPECT_TRUE(copas::finished());
}

TEST(Loop, ImplicitExitReleasesWaitforexit) {  // L6
  bool flag = false;
  copas::addthread([&] {
    copas::addthread([&] {
      copas::waitforexit();
      flag = true;
    });
  });
  copas::loop();
  EXPECT_TRUE(flag);
  EXPECT_EQ(copas::exiting(), true);
}

TEST(Loop, ExitThenWorkScheduledByWaiterCompletes) {  // L7
  std::vector<std::string> log;
  int counter = 0;
  copas::addthread([&] {
    while (true) {
      ++counter;
      log.push_back("count " + std::to_string(counter));
      if (counter == 3) {
        copas::exit();
        log.push_back("exit");
        return;
      }
      copas::pause(0.01);
    }
  });
  copas::addthread([&] {
    copas::waitforexit();
    log.push_back("waiter");
    copas::addthread([&] {
      copas::pause(1);
      counter = 5;
      log.push_back("late thread done");
    });
  });
  auto t0 = copas::clock::now();
  copas::loop();
  log.push_back("loop returned");
  EXPECT_EQ(counter, 5);
  EXPECT_GE(copas::to_seconds(copas::clock::now() - t0), 1.0);
  std::vector<std::string> expected{"count 1", "count 2",          "count 3",      "exit",
                                    "waiter",  "late thread done", "loop returned"};
  EXPECT_EQ(log, expected);
}

TEST(Loop, CountsToFive) {  // L8
  int n = 0;
  copas::addthread([&] {
    while (n < 5) {
      ++n;
      copas::pause();
    }
  });
  copas::loop();
  EXPECT_EQ(n, 5);
}

TEST(Loop, InitializerRunsAsCopasInitializer) {  // L10
  bool x = false;
  std::string name;
  copas::loop([&] {
    x = true;
    name = copas::getthreadname();
  });
  EXPECT_TRUE(x);
  EXPECT_EQ(name, "copas_initializer");
}

TEST(Loop, DispatcherObjectIsCallable) {
  bool x = false;
  copas::dispatcher::current()([&] { x = true; });
  EXPECT_TRUE(x);
}

TEST(Loop, CancelallAbandonsAllWork) {  // L11 (core part), L12
  bool safety_fired = false;
  int unwound = 0;
  struct on_unwind {
    int& n;
    ~on_unwind() { ++n; }
  };
  copas::addthread([&] {
    on_unwind u{unwound};
    copas::pause(3600);
  });
  copas::addthread([&] {
    on_unwind u{unwound};
    copas::pauseforever();
  });
  copas::addthread([&] {
    copas::pause(0.5);
    copas::cancelall();
  });
  auto t0 = copas::clock::now();
  copas::loop();
  EXPECT_LT(copas::to_seconds(copas::clock::now() - t0), 5.0);
  EXPECT_FALSE(safety_fired);
  EXPECT_EQ(unwound, 2);
  EXPECT_TRUE(copas::finished());

  bool done = false;  // L12: the state is clean for the next loop
  copas::addthread([&] {
    copas::pause(0.05);
    done = true;
  });
  copas::loop();
  EXPECT_TRUE(done);
}

TEST(Loop, AllWaitforexitWaitersAreReleased) {  // L13 (4.11 releases only one)
  int released = 0;
  for (int i = 0; i < 3; ++i)
    copas::addthread([&] {
      copas::waitforexit();
      ++released;
    });
  copas::loop();
  EXPECT_EQ(released, 3);
}

TEST(Loop, ExitingIsNilBeforeTheFirstLoopAndResetByLoop) {
  EXPECT_FALSE(copas::exiting().has_value());
  copas::exit();  // before any loop: sets the flag, does not throw (deliberate fix)
  EXPECT_EQ(copas::exiting(), true);
  bool seen_false = true;
  copas::loop([&] { seen_false = !*copas::exiting(); });
  EXPECT_TRUE(seen_false);
  EXPECT_EQ(copas::exiting(), true);
}

TEST(Loop, WaitforexitAfterExitReturnsAtOnce) {
  bool done = false;
  copas::loop([&] {
    copas::exit();
    copas::waitforexit();
    done = true;
  });
  EXPECT_TRUE(done);
}

TEST(Loop, RunningIsTrueOnlyInsideLoop) {
  EXPECT_FALSE(copas::running());
  bool inside = false;
  copas::loop([&] { inside = copas::running(); });
  EXPECT_TRUE(inside);
  EXPECT_FALSE(copas::running());
}

TEST(Loop, FinishedIsFalseOnceWorkIsScheduled) {
  EXPECT_TRUE(copas::finished());
  copas::addthread([] {});
  EXPECT_FALSE(copas::finished());
  copas::loop();
  EXPECT_TRUE(copas::finished());
}

TEST(Loop, PendingTimeoutKeepsPauseforeverAlive) {
  copas::thread sleeper;
  bool woken = false;
  sleeper = copas::addthread([&] {
    copas::pauseforever();
    woken = true;
  });
  copas::addthread([&] {
    copas::timeout(0.1, [&](const copas::thread&) { copas::wakeup(sleeper); });
    copas::pauseforever();  // this one stays asleep: the timeout armed by it woke the other
  });
  copas::loop();
  EXPECT_TRUE(woken);
}

TEST(Loop, TimeoutArgumentOnlyCapsPolls) {
  bool done = false;
  copas::addthread([&] {
    copas::pause(0.2);
    done = true;
  });
  copas::loop(0.01);
  EXPECT_TRUE(done);
}

TEST(Loop, LoopsCanRunInSequence) {
  for (int i = 0; i < 5; ++i) {
    int n = 0;
    copas::loop([&] {
      copas::pause(0.001);
      ++n;
    });
    EXPECT_EQ(n, 1);
  }
}

TEST(Step, RunsReadyFibersOnceAndReportsEvents) {
  std::vector<int> order;
  copas::addthread([&] {
    order.push_back(1);
    copas::pause();
    order.push_back(3);
  });
  copas::step(0);  // the thread runs its first part
  EXPECT_EQ(order, (std::vector<int>{1}));
  copas::step(0);
  EXPECT_EQ(order, (std::vector<int>{1, 3}));
  EXPECT_TRUE(copas::finished());
  EXPECT_FALSE(copas::running());  // step does not touch running
}

TEST(Step, WaitsForATimerAndReturnsTrue) {
  bool done = false;
  copas::addthread([&] {
    copas::pause(0.05);
    done = true;
  });
  copas::step(0);  // starts the thread, which goes to sleep
  auto t0 = copas::clock::now();
  bool events = copas::step(1.0);
  EXPECT_TRUE(events);
  EXPECT_TRUE(done);
  EXPECT_LT(copas::to_seconds(copas::clock::now() - t0), 0.5);
}

TEST(Step, TimesOutWithoutEvents) {
  copas::thread t = copas::addthread([] { copas::pause(10); });
  copas::step(0);
  auto t0 = copas::clock::now();
  EXPECT_FALSE(copas::step(0.05));
  double waited = copas::to_seconds(copas::clock::now() - t0);
  EXPECT_GE(waited, 0.05);
  EXPECT_LT(waited, 0.5);
  copas::removethread(t);
  copas::loop();
}

}  // namespace
