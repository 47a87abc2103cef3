// copas::queue: spec/tests.md §1.8 Q1-Q12, §4 V11, V18, plus names, workers and any item type.
#include <copas/sync/queue.hpp>

#include "sync_test.hpp"

#include <algorithm>
#include <any>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace copas {
namespace {

using test::since;

TEST(Queue, Q1PushPop) {
  loop([] {
    queue<std::string> q;
    EXPECT_TRUE(q.push("hello"));
    EXPECT_EQ(q.pop().value(), "hello");
  });
}

TEST(Queue, Q2PopWaitsForAPush) {
  loop([] {
    queue<std::string> q;
    addthread([q]() mutable {
      pause(0.5);
      q.push("delayed");
    });
    const auto start = clock::now();
    EXPECT_EQ(q.pop().value(), "delayed");
    EXPECT_WAITED(since(start), 0.5);
  });
}

TEST(Queue, Q3PopTimesOut) {
  loop([] {
    queue<int> q;
    const auto start = clock::now();
    result<int> r = q.pop(0.5);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "timeout");
    EXPECT_WAITED(since(start), 0.5);
  });
}

TEST(Queue, Q4SizeAndFifo) {
  loop([] {
    queue<int> q;
    for (int i = 1; i <= 3; ++i) {
      q.push(i);
      EXPECT_EQ(q.get_size().value(), static_cast<std::size_t>(i));
    }
    EXPECT_EQ(q.pop().value(), 1);
    EXPECT_EQ(q.pop().value(), 2);
    EXPECT_EQ(q.pop().value(), 3);
    EXPECT_EQ(q.get_size().value(), 0u);
  });
}

TEST(Queue, Q5EmptyItemsAreItems) {
  loop([] {
    queue<std::optional<int>> q;
    q.push(1);
    q.push(std::nullopt);
    q.push(3);
    EXPECT_EQ(q.pop().value(), 1);
    result<std::optional<int>> empty = q.pop();
    ASSERT_TRUE(empty);  // an item, not an error
    EXPECT_FALSE(empty->has_value());
    EXPECT_EQ(q.pop().value(), 3);
  });
}

TEST(Queue, AnyItemType) {
  loop([] {
    queue<std::any> q;
    q.push(std::any{});
    q.push(std::string("x"));
    EXPECT_FALSE(q.pop().value().has_value());
    EXPECT_EQ(std::any_cast<std::string>(q.pop().value()), "x");
    q.destroy();
    EXPECT_EQ(q.pop().error(), errc::destroyed);
  });
}

TEST(Queue, Q6StoppedQueueDrainsToItsWorkerThenIsDestroyed) {
  std::vector<int> handled;
  thread worker;
  loop([&] {
    queue<int> q;
    q.push(1);
    q.push(2);
    q.push(3);
    EXPECT_TRUE(q.stop());
    worker = q.add_worker([&](int i) { handled.push_back(i); }).value();
    pause(0.05);
    EXPECT_EQ(q.push(4).error().message(), "destroyed");
    EXPECT_EQ(q.pop().error().message(), "destroyed");
  });
  EXPECT_EQ(handled, (std::vector<int>{1, 2, 3}));
  EXPECT_FALSE(worker.alive());
}

TEST(Queue, Q7FinishWaitsForTheWorker) {
  int count = 0;
  loop([&] {
    queue<std::optional<int>> q;
    q.push(1);
    q.push(std::nullopt);
    q.push(3);
    q.add_worker([&](std::optional<int>) { ++count; });
    EXPECT_TRUE(q.finish(5));
    EXPECT_EQ(count, 3);
  });
}

TEST(Queue, Q8FinishWithoutWorkersTimesOut) {
  loop([] {
    queue<int> q;
    q.push(1);
    const auto start = clock::now();
    result<void> r = q.finish(1);
    EXPECT_WAITED(since(start), 1.0);
    EXPECT_EQ(r.error().message(), "timeout");
    EXPECT_EQ(q.get_size().error(), errc::destroyed);  // force-destroyed on timeout
  });
}

TEST(Queue, FinishTimeoutWithoutDestroyKeepsTheItems) {
  loop([] {
    queue<int> q;
    q.push(1);
    EXPECT_EQ(q.finish(0.1, true).error(), errc::timeout);
    EXPECT_EQ(q.get_size().value(), 1u);
    EXPECT_EQ(q.pop().value(), 1);  // that pop empties the stopping queue: destroyed
    EXPECT_EQ(q.get_size().error(), errc::destroyed);
  });
}

TEST(Queue, Q9IdleWorkerExitsOnStop) {
  thread worker;
  const auto start = clock::now();
  loop([&] {
    queue<int> q;
    worker = q.add_worker([](int) {}).value();
    pause(0.01);
    EXPECT_TRUE(q.stop());
  });
  EXPECT_FALSE(worker.alive());
  EXPECT_LT(since(start), 1.0);  // the loop returned: nothing left waiting
}

TEST(Queue, Q10IdleWorkerExitsOnFinish) {
  thread worker;
  loop([&] {
    queue<int> q;
    worker = q.add_worker([](int) {}).value();
    pause(0.01);
    EXPECT_TRUE(q.finish());
    EXPECT_FALSE(worker.alive());
  });
}

TEST(Queue, Q11FinishReturnsAfterTheLastItemIsProcessed) {
  std::vector<std::string> log;
  loop([&] {
    queue<int> q;
    log.push_back("start queue");
    for (int n = 0; n < 2; ++n) {
      q.add_worker([&](int item) {
        log.push_back("start item " + std::to_string(item));
        pause(0.5);
        log.push_back("end item " + std::to_string(item));
      });
    }
    for (int i = 1; i <= 3; ++i) q.push(i);
    pause(0.75);
    log.push_back("start finish");
    result<void> r = q.finish();
    log.push_back(std::string("finished ") + (r ? "true nil" : "nil " + r.error().message()));
  });
  EXPECT_EQ(log, (std::vector<std::string>{"start queue", "start item 1", "start item 2",
                                           "end item 1", "start item 3", "end item 2",
                                           "start finish", "end item 3", "finished true nil"}));
}

TEST(Queue, Q12PushAfterStopIsStopping) {
  loop([] {
    queue<int> q;
    q.push(1);
    q.stop();
    EXPECT_EQ(q.push(2).error().message(), "stopping");  // V11
    EXPECT_EQ(q.pop().value(), 1);
    EXPECT_EQ(q.get_size().error().message(), "destroyed");
  });
}

TEST(Queue, V18FinishOnEmptyThenAgain) {
  loop([] {
    queue<int> q;
    const auto start = clock::now();
    EXPECT_EQ(q.pop(0.2).error(), errc::timeout);
    EXPECT_WAITED(since(start), 0.2);
    EXPECT_TRUE(q.finish());
    EXPECT_EQ(q.finish().error().message(), "destroyed");
  });
}

TEST(Queue, NamesOfQueuesAndWorkers) {
  loop([] {
    queue<int> named({.name = "jobs"});
    EXPECT_EQ(named.name(), "jobs");
    thread w1 = named.add_worker([](int) {}).value();
    thread w2 = named.add_worker([](int) {}).value();
    EXPECT_EQ(getthreadname(w1), "jobs:worker_1");
    EXPECT_EQ(getthreadname(w2), "jobs:worker_2");
    EXPECT_EQ(named.get_workers().value().size(), 2u);

    queue<int> a, b;
    ASSERT_EQ(a.name().rfind("copas_queue_", 0), 0u);
    const int na = std::stoi(a.name().substr(12));
    EXPECT_EQ(b.name(), "copas_queue_" + std::to_string(na + 1));
    named.destroy();
    EXPECT_EQ(named.name(), "jobs");  // stays readable
    EXPECT_EQ(named.get_workers().error(), errc::destroyed);
    EXPECT_EQ(named.add_worker([](int) {}).error(), errc::destroyed);
  });
}

TEST(Queue, EachItemGoesToExactlyOneWorkerConcurrently) {
  std::vector<int> seen;
  loop([&] {
    queue<int> q;
    for (int n = 0; n < 4; ++n) {
      q.add_worker([&](int i) {
        pause(0.01);
        seen.push_back(i);
      });
    }
    for (int i = 0; i < 100; ++i) q.push(i);
    const auto start = clock::now();
    EXPECT_TRUE(q.finish(5));
    EXPECT_LT(since(start), 0.9);  // 100 x 10 ms spread over 4 workers, not serial (>= 1 s)
  });
  std::sort(seen.begin(), seen.end());
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[i], i);
}

TEST(Queue, WorkerErrorEndsThatWorkerOnly) {
  std::vector<std::string>& errors = test::record_errors();
  std::vector<int> handled;
  loop([&] {
    queue<int> q;
    thread bad = q.add_worker([](int) { throw std::runtime_error("worker failed"); }).value();
    q.push(1);
    pause(0.01);
    EXPECT_FALSE(bad.alive());
    EXPECT_TRUE(q.get_workers().value().empty());
    q.push(2);  // no worker left: stays queued
    pause(0.01);
    EXPECT_EQ(q.get_size().value(), 1u);
    q.add_worker([&](int i) { handled.push_back(i); });
    EXPECT_TRUE(q.finish(1));
  });
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("worker failed"), std::string::npos);
  EXPECT_EQ(handled, (std::vector<int>{2}));
}

TEST(Queue, DestroyWakesBlockedPopsAndDropsItems) {
  int destroyed = 0;
  loop([&] {
    queue<int> q;
    for (int i = 0; i < 3; ++i) {
      addthread([&, q]() mutable {
        if (q.pop(forever).error() == errc::destroyed) ++destroyed;
      });
    }
    pause(0.01);
    EXPECT_TRUE(q.destroy());
    EXPECT_EQ(q.destroy().error(), errc::destroyed);
    EXPECT_EQ(q.stop().error(), errc::destroyed);
  });
  EXPECT_EQ(destroyed, 3);
}

TEST(Queue, RemovedPopperLosesNoItem) {
  std::vector<int> got;
  loop([&] {
    queue<int> q;
    thread b = addthread([q]() mutable {
      q.pop(forever);
      ADD_FAILURE() << "removed popper got an item";
    });
    addthread([&, q]() mutable {
      pause(0.005);
      got.push_back(q.pop(1).value());
    });
    pause(0.02);
    removethread(b);
    q.push(42);
    pause(0.01);
    EXPECT_EQ(q.get_size().value(), 0u);
  });
  EXPECT_EQ(got, (std::vector<int>{42}));
}

TEST(Queue, PopZeroNeverYields) {
  loop([] {
    queue<int> q;
    bool other_ran = false;
    addthread([&] { other_ran = true; });
    EXPECT_EQ(q.pop(0).error(), errc::timeout);
    EXPECT_FALSE(other_ran);
    pause(0);
  });
}

}  // namespace
}  // namespace copas
