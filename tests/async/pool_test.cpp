// The worker pool: bounded growth, shrinking when idle, bursts.
#include <copas/async.hpp>
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include "async_test_support.hpp"

#include <chrono>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
namespace async = copas::async;

TEST(AsyncPool, BurstOfTenThousandTasksUsesBoundedThreads) {
  async::configure({.max_workers = 8, .idle_timeout = 10});
  const auto before = async::stats();
  constexpr int n = 10000;
  long sum = 0;
  int results = 0;
  copas::loop([&] {
    std::vector<async::future<int>> fs;
    fs.reserve(n);
    for (int i = 0; i < n; ++i) fs.push_back(async::addthread([i] { return i; }));
    for (auto& f : fs) {
      auto r = f.get();
      if (r) {
        sum += std::get<0>(*r);
        ++results;
      }
    }
  });
  EXPECT_EQ(results, n);
  EXPECT_EQ(sum, static_cast<long>(n) * (n - 1) / 2);
  auto s = async::stats();
  EXPECT_LE(s.peak_workers, std::max<std::size_t>(8u, before.peak_workers));
  EXPECT_LE(s.created, before.created + 8u);
  EXPECT_LE(copas::test::thread_count(), 1u + 8u + 2u);  // main, workers, a sanitizer thread
}

// Several dispatchers share the pool's queue and each gets its own tasks back (one hand-back
// list per dispatcher, pushed by every worker at once), all of them and nothing else.
TEST(AsyncPool, BurstsFromSeveralDispatchersEachComeBackWhole) {
  async::configure({.max_workers = 4, .idle_timeout = 10});
  static constexpr int dispatchers = 4;
  static constexpr int n = 2000;
  std::vector<long> sums(dispatchers, 0);
  std::vector<int> results(dispatchers, 0);
  std::vector<std::thread> threads;
  for (int d = 0; d < dispatchers; ++d)
    threads.emplace_back([&, d] {
      copas::loop([&] {
        std::vector<async::future<int>> fs;
        fs.reserve(n);
        for (int i = 0; i < n; ++i) fs.push_back(async::addthread([d, i] { return d * n + i; }));
        for (auto& f : fs) {
          auto r = f.get();
          if (r) {
            sums[d] += std::get<0>(*r);
            ++results[d];
          }
        }
      });
    });
  for (auto& t : threads) t.join();
  for (int d = 0; d < dispatchers; ++d) {
    EXPECT_EQ(results[d], n);
    EXPECT_EQ(sums[d], static_cast<long>(d) * n * n + static_cast<long>(n) * (n - 1) / 2);
  }
}

TEST(AsyncPool, GrowsOnlyWhenNoWorkerIsIdle) {
  async::configure({.max_workers = 16, .idle_timeout = 10});
  const auto before = async::stats();
  copas::loop([] {
    for (int i = 0; i < 20; ++i) {
      auto r = async::run([] { return 1; });
      EXPECT_TRUE(r);
    }
  });
  // One task at a time: an idle worker is reused (at most one is created, when none existed).
  EXPECT_LE(async::stats().created, before.created + 1);
}

TEST(AsyncPool, ShrinksWhenIdle) {
  async::configure({.max_workers = 4, .idle_timeout = 0.1});
  // The pool's launcher thread (it creates the workers, and stays) exists after a first task.
  copas::loop([] { EXPECT_TRUE(async::addthread([] {}).get()); });
  // Threads other than workers (earlier tests in this process may have left idle workers).
  const auto before = copas::test::thread_count() - async::stats().workers;
  copas::loop([] {
    std::vector<async::future<>> fs;
    for (int i = 0; i < 4; ++i)
      fs.push_back(async::addthread([] { std::this_thread::sleep_for(100ms); }));
    copas::pause(0.05);
    EXPECT_EQ(async::stats().workers, 4u);
    for (auto& f : fs) EXPECT_TRUE(f.get());
  });
  EXPECT_TRUE(copas::test::eventually([] { return async::stats().workers == 0; }, 2));
  // ThreadSanitizer may have started its background thread meanwhile.
  EXPECT_TRUE(copas::test::eventually(
      [&] { return copas::test::thread_count() <= before + copas::test::sanitizer_threads; }, 2));
}

TEST(AsyncPool, BoundedPoolQueuesInOrder) {
  async::configure({.max_workers = 1, .idle_timeout = 10});
  std::vector<int> order;
  copas::loop([&] {
    auto mtx = std::make_shared<std::mutex>();
    auto seen = std::make_shared<std::vector<int>>();
    std::vector<async::future<>> fs;
    for (int i = 0; i < 10; ++i)
      fs.push_back(async::addthread([mtx, seen, i] {
        std::lock_guard l(*mtx);
        seen->push_back(i);
      }));
    for (auto& f : fs) EXPECT_TRUE(f.get());
    order = *seen;
  });
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

// A fiber's submits take no lock while every worker is started and none sleeps (issue 16); a
// worker about to sleep counts itself and then looks at the queue once more. Here the workers
// fall asleep between the bursts (no spin), so every burst's first submit must wake one. A lost
// wake-up would leave the task queued until a worker's idle timeout (a minute): the deadline
// ends the wait long before that.
TEST(AsyncPool, SleepingWorkersWakeForEveryBurst) {
  async::configure({.max_workers = 2, .idle_timeout = 60, .spin_us = 0});
  int rounds_back = 0;
  copas::loop([&] {
    for (int round = 0; round < 300; ++round) {
      std::vector<async::future<int>> fs;
      for (int i = 0; i <= round % 3; ++i) fs.push_back(async::addthread([i] { return i; }));
      auto back = copas::with_timeout(10, [&]() -> copas::result<void> {
        for (auto& f : fs)
          if (auto r = f.get(); !r) return r.error();
        return {};
      });
      ASSERT_TRUE(back) << "round " << round << ": " << back.error().message();
      ++rounds_back;
      if (round % 2) copas::pause(0.001);  // long enough for both workers to sleep
    }
  });
  EXPECT_EQ(rounds_back, 300);
}

// The same while the pool's one worker keeps retiring and being replaced: the pool is at full
// strength (no lock taken by a submit) only while that worker lives, and a submit that still saw
// it so pushed its task before the retiring worker's last look at the queue, which then starts
// a new worker.
TEST(AsyncPool, TasksSubmittedWhileWorkersRetireStillRun) {
  async::configure({.max_workers = 1, .idle_timeout = 0.005, .spin_us = 0});
  int rounds_back = 0;
  copas::loop([&] {
    for (int round = 0; round < 100; ++round) {
      auto back = copas::with_timeout(10, [&] { return async::addthread([] { return 1; }).get(); });
      ASSERT_TRUE(back) << "round " << round << ": " << back.error().message();
      ++rounds_back;
      copas::pause(0.001 * (round % 10));  // around the idle timeout
    }
  });
  EXPECT_EQ(rounds_back, 100);
  async::configure({.max_workers = 64, .idle_timeout = 10});
}
