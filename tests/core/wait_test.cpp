// The suspension point: wakers, generations, wait_queue.
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
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

// The dispatcher's timer heap under churn: a thousand deadlines, given out of order, some moved
// later by a second wait, some cut short by a waker (their timers left queued, as a wake leaves
// them). Every timed-out wait ends in deadline order and none before its deadline.
TEST(Wait, ManyDeadlinesEndInOrderAndNeverEarly) {
#if defined(COPAS_TSAN)
  // A new fiber costs ThreadSanitizer about 50 ms here (CreateThreadContext clearing and
  // faulting in its per-thread state: 85 % of this test's time in perf): a thousand took 50-63 s
  // alone and passed ctest's 120 s limit on a loaded CI. The order and the lateness are what is
  // checked; 250 fibers take 13 s.
  constexpr int n = 250;
#else
  constexpr int n = 1000;
#endif
  using std::chrono::microseconds;
  using std::chrono::milliseconds;
  // The deadlines begin at t0, set once every fiber has parked at a gate: far enough ahead, in
  // rounds of the ready queue as this machine runs them (a sanitizer makes a round of a thousand
  // switches take most of a second), that every fiber has passed the gate, parked, been cut short
  // and parked again before the first deadline.
  copas::clock::time_point spawned{}, t0{};
  copas::clock::duration lead{};
  auto deadline_of = [&](int i) {  // distinct, shuffled: i -> (i * 389) mod n, 100 us apart
    return t0 + microseconds(100) * ((i * 389) % n);
  };
  std::vector<copas::waker> wakers(n);
  struct end {
    int fiber;
    copas::clock::time_point deadline, at;
  };
  std::vector<end> ended;  // the waits that timed out, in the order they ended
  int early = 0, woken = 0, cut_short = 0, expected_cut_short = 0;
  for (int i = 0; i < n; ++i) expected_cut_short += i % 3 == 1 || i % 7 == 3;
  copas::loop([&] {
    spawned = copas::clock::now();
    for (int i = 0; i < n; ++i)
      copas::addthread([&, i] {
        wakers[i] = copas::this_thread::get_waker();
        copas::this_thread::park(wait_kind::sleep, copas::clock::time_point::max());  // the gate
        auto deadline = deadline_of(i);
        wakers[i] = copas::this_thread::get_waker();
        if (i % 3 == 1) {  // a first wait, cut short before it ends, then the real one
          if (copas::this_thread::park(wait_kind::sleep, deadline - lead / 2) == wake_reason::woken)
            ++woken;
        }
        if (i % 7 == 3) {  // woken long before the deadline: its timer must not end a later wait
          wakers[i] = copas::this_thread::get_waker();
          if (copas::this_thread::park(wait_kind::sleep, deadline) == wake_reason::woken) ++woken;
          deadline += milliseconds(150);
        }
        auto why = copas::this_thread::park(wait_kind::sleep, deadline);
        EXPECT_EQ(why, wake_reason::timeout);
        const auto now = copas::clock::now();
        if (now < deadline) ++early;
        ended.push_back({i, deadline, now});
      });
    copas::addthread([&] {  // runs after every fiber above has parked at the gate
      const auto now = copas::clock::now();
      lead = 8 * (now - spawned) + milliseconds(50);
      t0 = now + lead;
      for (auto& w : wakers) ASSERT_TRUE(w.wake());
      copas::addthread([&] {  // runs after every fiber has passed the gate and parked again
        for (int i = 0; i < n; ++i)
          if (i % 3 == 1 || i % 7 == 3) cut_short += wakers[i].wake();
      });
    });
  });
  EXPECT_EQ(early, 0);
  EXPECT_EQ(cut_short, expected_cut_short);
  EXPECT_EQ(woken, cut_short);
  ASSERT_EQ(ended.size(), static_cast<std::size_t>(n));
  auto disorder = std::adjacent_find(ended.begin(), ended.end(), [](const end& a, const end& b) {
    return b.deadline < a.deadline;
  });
  if (disorder != ended.end()) {
    auto ms = [&](copas::clock::time_point t) { return copas::to_seconds(t - t0) * 1e3; };
    const end &a = disorder[0], &b = disorder[1];
    ADD_FAILURE() << "fiber " << a.fiber << " (due at " << ms(a.deadline) << " ms, ended at "
                  << ms(a.at) << " ms) ended before fiber " << b.fiber << " (due at "
                  << ms(b.deadline) << " ms, ended at " << ms(b.at) << " ms), of t0; lead "
                  << copas::to_seconds(lead) * 1e3 << " ms";
  }
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
  copas::thread waiter =
      copas::addthread([&] { q.wait(copas::clock::time_point::max(), wait_kind::sync, 42); });
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
  copas::addthread(
      [&] { copas::this_thread::park(wait_kind::external, copas::deadline_after(0.2)); });
  copas::addthread([&] {
    auto s = copas::status();
    EXPECT_EQ(s.inactive, 1);
    EXPECT_EQ(s.timeout, 1);
    EXPECT_FALSE(copas::finished());  // external keeps the loop alive
  });
  copas::loop();
}

}  // namespace

namespace {

// Issue 18: a waker outliving its fiber (the fiber ended and every copas::thread handle on it
// is gone, so its record is freed) does nothing: before, it read the freed record (ASan).
TEST(Wait, AWakerKeptPastItsFiberIsInert) {
  copas::waker kept;
  copas::loop([&] {
    copas::addthread([&] {
      kept = copas::this_thread::get_waker();
      copas::waker for_the_wait = copas::this_thread::get_waker();
      copas::addthread([for_the_wait] { EXPECT_TRUE(for_the_wait.wake()); });
      copas::this_thread::park(wait_kind::sync);
    });  // no handle kept: the record goes when the fiber ends
  });
  copas::loop([&] {
    copas::pause(0.01);  // the ended fiber has been reaped
    EXPECT_FALSE(kept.pending());
    EXPECT_FALSE(kept.wake());
  });
  copas::waker copy = kept;  // copies and drops of a stale waker are fine too
  EXPECT_FALSE(copy.wake());
}

// A waker copied to another thread and dropped there (inside a post that never runs its wake,
// or after it) keeps its count right: the control block is freed exactly once (ASan, TSan).
TEST(Wait, WakersCopiedAndDroppedOnOtherThreads) {
  auto remote = copas::dispatcher::current().get_remote();
  int woken = 0;
  copas::loop([&] {
    for (int i = 0; i < 20; ++i) {
      copas::addthread([&] {
        auto w = copas::this_thread::get_waker();
        std::thread t([w, remote] {
          copas::waker local = w;  // copied and dropped here
          remote->post([w] { w.wake(); });
        });
        copas::this_thread::park(wait_kind::external);
        ++woken;
        t.join();
      });
    }
  });
  EXPECT_EQ(woken, 20);
}

}  // namespace
