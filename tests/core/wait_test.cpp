// The suspension point: wakers, generations, wait_queue.
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace {

using copas::wait_kind;
using copas::wake_reason;

TEST(Wait, WakerWakesItsPark) {
  copas::waker w;
  wake_reason why = wake_reason::timeout;
  copas::addthread([&] {
    w = copas::this_thread::get_waker();
    why = copas::this_thread::park(wait_kind::sync);
  });
  copas::addthread([&] {
    EXPECT_TRUE(w.pending());
    EXPECT_TRUE(w.wake());
    EXPECT_FALSE(w.wake());  // already woken
  });
  copas::loop();
  EXPECT_EQ(why, wake_reason::woken);
}

TEST(Wait, StaleWakerCannotWakeALaterWait) {
  copas::waker first;
  std::vector<wake_reason> reasons;
  copas::thread t = copas::addthread([&] {
    first = copas::this_thread::get_waker();
    reasons.push_back(copas::this_thread::park(wait_kind::sync, copas::deadline_after(0.01)));
    // The first wait timed out; its waker must not end this second wait.
    reasons.push_back(copas::this_thread::park(wait_kind::sync, copas::deadline_after(0.2)));
  });
  copas::addthread([&] {
    copas::pause(0.05);
    EXPECT_FALSE(first.wake());
  });
  copas::loop();
  EXPECT_EQ(reasons, (std::vector<wake_reason>{wake_reason::timeout, wake_reason::timeout}));
}

TEST(Wait, DeadlineIsNeverEarly) {
  double took = 0;
  copas::loop([&] {
    auto t0 = copas::clock::now();
    copas::this_thread::park(wait_kind::sync, copas::deadline_after(0.05));
    took = copas::to_seconds(copas::clock::now() - t0);
  });
  EXPECT_GE(took, 0.05);
  EXPECT_LT(took, 0.08);
}

TEST(Wait, QueueIsFifo) {
  copas::wait_queue q;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i)
    copas::addthread([&, i] {
      q.wait();
      order.push_back(i);
    });
  copas::addthread([&] {
    EXPECT_EQ(q.size(), 5u);
    while (q.notify_one()) {
    }
  });
  copas::loop();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(Wait, TimedOutWaiterLeavesTheQueue) {
  copas::wait_queue q;
  std::vector<std::string> log;
  copas::addthread([&] {
    EXPECT_EQ(q.wait(copas::deadline_after(0.01)), wake_reason::timeout);
    log.push_back("a timed out");
  });
  copas::addthread([&] {
    EXPECT_EQ(q.wait(), wake_reason::woken);
    log.push_back("b woken");
  });
  copas::addthread([&] {
    copas::pause(0.05);
    EXPECT_EQ(q.size(), 1u);
    EXPECT_TRUE(q.notify_one());  // goes to b, not to the departed a
    EXPECT_FALSE(q.notify_one());
  });
  copas::loop();
  EXPECT_EQ(log, (std::vector<std::string>{"a timed out", "b woken"}));
}

TEST(Wait, CancelledWaiterLeavesTheQueueAndUnwinds) {
  copas::wait_queue q;
  bool unwound = false;
  copas::thread t = copas::addthread([&] {
    struct on_exit {
      bool& f;
      ~on_exit() { f = true; }
    } g{unwound};
    q.wait();
  });
  copas::addthread([&] {
    copas::pause();
    copas::removethread(t);
    EXPECT_EQ(q.size(), 0u);
  });
  copas::loop();
  EXPECT_TRUE(unwound);
  EXPECT_TRUE(q.empty());
}

TEST(Wait, TagsAndFrontThread) {
  copas::wait_queue q;
  copas::thread waiter = copas::addthread([&] { q.wait(copas::clock::time_point::max(), wait_kind::sync, 42); });
  copas::addthread([&] {
    EXPECT_EQ(q.front_tag(), 42u);
    EXPECT_EQ(q.front_thread(), waiter);
    EXPECT_EQ(q.notify_all(), 1u);
  });
  copas::loop();
}

TEST(Wait, KindsCountInStatus) {
  copas::wait_queue q;
  copas::addthread([&] { q.wait(copas::deadline_after(0.2)); });
  copas::addthread([&] { copas::this_thread::park(wait_kind::external, copas::deadline_after(0.2)); });
  copas::addthread([&] {
    auto s = copas::status();
    EXPECT_EQ(s.inactive, 1);
    EXPECT_EQ(s.timeout, 1);
    EXPECT_FALSE(copas::finished());  // external keeps the loop alive
  });
  copas::loop();
}

}  // namespace
