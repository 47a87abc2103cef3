// copas::semaphore: spec/tests.md §1.8 M1-M10, §4 V9, V12, V13, plus FIFO head-of-line blocking
// and removal of a waiting fiber.
#include <copas/sync/semaphore.hpp>

#include "sync_test.hpp"

#include <stdexcept>
#include <vector>

namespace copas {
namespace {

using test::since;

semaphore spec_semaphore() { return semaphore(10, 5, 1); }

// True if `fn` returns without yielding: a fiber scheduled before it has not run afterwards.
template <class F>
bool runs_without_yielding(F fn) {
  bool other_ran = false;
  addthread([&] { other_ran = true; });
  fn();
  const bool yielded = other_ran;
  pause(0);
  return !yielded;
}

TEST(Semaphore, M1CountAndTake) {
  loop([] {
    semaphore s = spec_semaphore();
    EXPECT_EQ(s.get_count().value(), 5);
    EXPECT_TRUE(s.take(3));
    EXPECT_EQ(s.get_count().value(), 2);
  });
}

TEST(Semaphore, M2ZeroTimeoutFailsWithoutYielding) {
  loop([] {
    semaphore s = spec_semaphore();
    ASSERT_TRUE(s.take(3));
    EXPECT_TRUE(
        runs_without_yielding([&] { EXPECT_EQ(s.take(3, 0).error().message(), "timeout"); }));
    EXPECT_TRUE(
        runs_without_yielding([&] { EXPECT_EQ(s.take(10, 0).error().message(), "timeout"); }));
    EXPECT_EQ(s.get_count().value(), 2);
  });
}

TEST(Semaphore, M3MoreThanMaxIsTooMany) {
  loop([] {
    semaphore s = spec_semaphore();
    EXPECT_TRUE(
        runs_without_yielding([&] { EXPECT_EQ(s.take(11).error().message(), "too many"); }));
  });
}

TEST(Semaphore, M4TimesOutAfterTheDefault) {
  loop([] {
    semaphore s = spec_semaphore();
    ASSERT_TRUE(s.take(3));
    const auto start = clock::now();
    EXPECT_EQ(s.take(10).error().message(), "timeout");
    EXPECT_WAITED(since(start), 1.0);
    EXPECT_EQ(s.get_count().value(), 2);
  });
}

TEST(Semaphore, M5LargeHeadRequestsServedInOrder) {
  std::vector<int> served;
  loop([&] {
    semaphore s = spec_semaphore();
    ASSERT_TRUE(s.take(3));
    for (int i = 1; i <= 2; ++i) {
      addthread([&, s, i]() mutable {
        ASSERT_TRUE(s.take(5, forever));
        served.push_back(i);
      });
    }
    pause(0.1);
    EXPECT_EQ(s.get_count().value(), 2);
    EXPECT_EQ(s.get_wait().value(), 8);
    EXPECT_TRUE(served.empty());
    EXPECT_TRUE(s.give(4));
    EXPECT_EQ(s.get_count().value(), 1);
    pause(0);
    EXPECT_EQ(served, (std::vector<int>{1}));
    EXPECT_TRUE(s.give(4));
    EXPECT_EQ(s.get_count().value(), 0);
    pause(0);
    EXPECT_EQ(served, (std::vector<int>{1, 2}));
  });
}

TEST(Semaphore, SmallRequestDoesNotOvertakeALargeHead) {
  std::vector<int> served;
  loop([&] {
    semaphore s(10, 0);
    addthread([&, s]() mutable {
      ASSERT_TRUE(s.take(5, forever));
      served.push_back(5);
    });
    addthread([&, s]() mutable {
      pause(0.01);
      ASSERT_TRUE(s.take(1, forever));
      served.push_back(1);
    });
    pause(0.05);
    EXPECT_TRUE(s.give(3));  // enough for the small one, not for the head
    pause(0.01);
    EXPECT_TRUE(served.empty());
    EXPECT_EQ(s.take(1, 0).error(), errc::timeout);  // nor for a newcomer
    EXPECT_TRUE(s.give(3));
    pause(0.01);
    EXPECT_EQ(served, (std::vector<int>{5, 1}));
    EXPECT_EQ(s.get_count().value(), 0);
  });
}

TEST(Semaphore, M6GiveIsCappedAtMax) {
  loop([] {
    semaphore s = spec_semaphore();
    result<void> r = s.give(100);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "too many");
    EXPECT_EQ(s.get_count().value(), 10);
  });
}

TEST(Semaphore, CappedGiveStillServesWaiters) {
  bool served = false;
  loop([&] {
    semaphore s(3, 0);
    addthread([&, s]() mutable { served = s.take(2, forever).has_value(); });
    pause(0.01);
    EXPECT_EQ(s.give(50).error(), errc::too_many);
    EXPECT_EQ(s.get_count().value(), 1);
  });
  EXPECT_TRUE(served);
}

TEST(Semaphore, M7DestroyWakesWaitersAndDisablesEverything) {
  int destroyed = 0;
  loop([&] {
    semaphore s = spec_semaphore();
    ASSERT_TRUE(s.take(5));
    for (int i = 0; i < 2; ++i) {
      addthread([&, s]() mutable {
        result<void> r = s.take(5);
        EXPECT_EQ(r.error().message(), "destroyed");
        ++destroyed;
      });
    }
    pause(0.01);
    EXPECT_TRUE(s.destroy());
    EXPECT_EQ(s.destroy().error().message(), "destroyed");
    EXPECT_EQ(s.give().error().message(), "destroyed");
    EXPECT_EQ(s.take().error().message(), "destroyed");
    EXPECT_EQ(s.get_count().error().message(), "destroyed");
    EXPECT_EQ(s.get_wait().error().message(), "destroyed");
  });
  EXPECT_EQ(destroyed, 2);
}

TEST(Semaphore, M8NoStrayTimeoutAfterDestroy) {
  std::vector<std::string>& errors = test::record_errors();
  loop([&] {
    semaphore s(10, 0, 0.5);
    const auto start = clock::now();
    addthread([s, start]() mutable {
      EXPECT_EQ(s.take(1).error(), errc::destroyed);
      EXPECT_WAITED(since(start), 0.1);  // released by destroy(), not by its 0.5 s timeout
    });
    pause(0.1);
    s.destroy();
    pause(0.5);
  });
  EXPECT_TRUE(errors.empty());
}

TEST(Semaphore, M9AfterATimeoutTheFastPathWorksAgain) {
  loop([] {
    semaphore s(10, 5, 0.2);
    EXPECT_EQ(s.take(6).error(), errc::timeout);  // V9
    EXPECT_TRUE(runs_without_yielding([&] { EXPECT_TRUE(s.take(1)); }));
    EXPECT_EQ(s.get_count().value(), 4);
  });
}

TEST(Semaphore, M10DestroyReleasesEveryWaiter) {
  int destroyed = 0;
  loop([&] {
    semaphore s(1, 0);
    for (int i = 0; i < 3; ++i) {
      addthread([&, s]() mutable {
        if (s.take(1, forever).error() == errc::destroyed) ++destroyed;
      });
    }
    pause(0.01);
    s.destroy();
  });
  EXPECT_EQ(destroyed, 3);
}

TEST(Semaphore, V12GetWaitWithoutWaitersIsMinusCount) {
  loop([] {
    semaphore s(10, 5);
    EXPECT_EQ(s.get_wait().value(), -5);
  });
}

TEST(Semaphore, GiveGetWaitReleasesEveryWaiterAndLeavesZero) {
  int served = 0;
  loop([&] {
    semaphore s(100, 2);
    for (int n : {3, 4, 5}) {
      addthread([&, s, n]() mutable {
        if (s.take(n, forever)) ++served;
      });
    }
    pause(0.01);
    EXPECT_EQ(s.get_wait().value(), 10);
    EXPECT_TRUE(s.give(s.get_wait().value()));
    EXPECT_EQ(s.get_count().value(), 0);
  });
  EXPECT_EQ(served, 3);
}

TEST(Semaphore, V13StartAboveMaxIsRefused) {
  // Copas 4.11 accepts semaphore.new(3, 7) with 7 resources; copas-cpp refuses it.
  try {
    semaphore s(3, 7);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "expected start (2nd argument) to be a number from 0 to max, got: 7");
  }
}

TEST(Semaphore, ConstructorArgumentErrors) {
  try {
    semaphore s(0);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "expected max resources (1st argument) to be a number greater than 0, got: 0");
  }
  try {
    semaphore s(5, 0, -2.5);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "expected timeout (2nd argument) to be a number greater than or equal to 0, "
                 "got: -2.5");
  }
}

TEST(Semaphore, TakeZeroSucceedsAtOnce) {
  loop([] {
    semaphore s(1, 0);
    EXPECT_TRUE(runs_without_yielding([&] { EXPECT_TRUE(s.take(0)); }));
  });
}

TEST(Semaphore, RemovedHeadWaiterUnblocksTheLine) {
  bool small_served = false;
  loop([&] {
    semaphore s(10, 2);
    thread big = addthread([s]() mutable {
      s.take(8, forever);
      ADD_FAILURE() << "removed waiter served";
    });
    addthread([&, s]() mutable {
      pause(0.01);
      small_served = s.take(2, forever).has_value();
    });
    pause(0.05);
    EXPECT_FALSE(small_served);
    removethread(big);
    pause(0.01);
    EXPECT_EQ(s.get_wait().value(), 0);
    EXPECT_EQ(s.get_count().value(), 0);
  });
  EXPECT_TRUE(small_served);
}

TEST(Semaphore, GiveRightAfterRemovingTheHeadServesTheNext) {
  bool small_served = false;
  loop([&] {
    semaphore s(10, 0);
    thread big = addthread([s]() mutable {
      s.take(8, forever);
      ADD_FAILURE() << "removed waiter served";
    });
    addthread([&, s]() mutable {
      pause(0.005);
      small_served = s.take(2, forever).has_value();
    });
    pause(0.02);
    removethread(big);
    EXPECT_TRUE(s.give(9));  // the removed head has not left the queue yet
    pause(0.01);
    EXPECT_EQ(s.get_count().value(), 7);
    EXPECT_EQ(s.get_wait().value(), -7);
  });
  EXPECT_TRUE(small_served);
}

TEST(Semaphore, TimedOutHeadWaiterUnblocksTheLine) {
  bool small_served = false;
  loop([&] {
    semaphore s(10, 2);
    addthread([s]() mutable { EXPECT_EQ(s.take(8, 0.1).error(), errc::timeout); });
    addthread([&, s]() mutable {
      pause(0.01);
      small_served = s.take(2, 1).has_value();
    });
    pause(0.3);
  });
  EXPECT_TRUE(small_served);
}

}  // namespace
}  // namespace copas
