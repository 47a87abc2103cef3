// copas-async's future contract (tests.md §2 AS1-AS9, AS18, and §1.9 where it applies).
#include <copas/async.hpp>
#include <copas/core.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "async_test_support.hpp"
#include "ledger_report.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace std::chrono_literals;
namespace async = copas::async;
using copas::test::since;
using steady = std::chrono::steady_clock;

namespace {

auto hello_world_after(std::chrono::milliseconds d) {
  return [d] {
    std::this_thread::sleep_for(d);  // a C-level sleep: the worker is really blocked
    return std::tuple{std::string("hello"), std::string("world")};
  };
}

using hw = std::tuple<std::string, std::string>;

}  // namespace

TEST(AsyncFuture, AS1_GetWaitsForBlockingTaskWhileOtherFibersRun) {
  int ticks = 0;
  bool done = false;
  copas::loop([&] {
    copas::test::start_ticker(0.1, ticks, done);
    auto start = steady::now();
    auto f = async::addthread(hello_world_after(3s));
    EXPECT_LT(since(start), 0.05);  // addthread returns at once
    auto r = f.get();
    double took = since(start);
    done = true;
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, hw("hello", "world"));
    EXPECT_GE(took, 3.0);
    EXPECT_LE(took, 3.1 + 0.1 * copas::test::sanitizer_slack);
  });
  EXPECT_GE(ticks, 25);  // the ticker kept running during the 3 s wait
}

TEST(AsyncFuture, AS2_GetAfterTheTaskFinished) {
  copas::loop([] {
    auto f = async::addthread(hello_world_after(0ms));
    copas::pause(3);
    auto start = steady::now();
    auto r = f.get();
    EXPECT_LT(since(start), 0.01);
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, hw("hello", "world"));
  });
}

TEST(AsyncFuture, AS3_TryPolledWhileRunning) {
  copas::loop([] {
    auto f = async::addthread(hello_world_after(3s));
    std::vector<async::state> seen;
    for (double at : {0.5, 1.5, 2.5, 3.5}) {
      (void)at;
      copas::pause(at == 0.5 ? 0.5 : 1.0);
      auto t = f.try_get();
      seen.push_back(t.status);
      if (t.status == async::SUCCESS) {
        ASSERT_TRUE(t.values);
        EXPECT_EQ(*t.values, hw("hello", "world"));
        EXPECT_FALSE(t.error);
      } else {
        EXPECT_FALSE(t.values);
      }
    }
    EXPECT_EQ(seen, (std::vector<async::state>{async::PENDING, async::PENDING, async::PENDING,
                                               async::SUCCESS}));
  });
}

TEST(AsyncFuture, AS4_TryAfterTheTaskFinished) {
  copas::loop([] {
    auto f = async::addthread(hello_world_after(0ms));
    copas::pause(3);
    auto t = f.try_get();
    EXPECT_EQ(t.status, async::SUCCESS);
    ASSERT_TRUE(t.values);
    EXPECT_EQ(*t.values, hw("hello", "world"));
  });
}

TEST(AsyncFuture, AS5_CancelARunningTask) {
  copas::loop([] {
    auto f = async::addthread(hello_world_after(5s));
    copas::pause(0.5);
    auto start = steady::now();
    EXPECT_TRUE(f.cancel());
    auto t = f.try_get();
    EXPECT_EQ(t.status, async::ERROR);
    ASSERT_TRUE(t.error);
    EXPECT_EQ(t.error->message(), "cancelled");
    auto r = f.get();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "cancelled");
    EXPECT_TRUE(r.error() == copas::errc::cancelled);
    EXPECT_LT(since(start), 0.05);  // no waiting at all
    EXPECT_FALSE(f.cancel());       // already final
  });
}

TEST(AsyncFuture, AS6_CancelAFinishedTask) {
  copas::loop([] {
    auto f = async::addthread([] { return std::string("hello"); });
    copas::pause(1);
    EXPECT_FALSE(f.cancel());
    auto r = f.get();
    ASSERT_TRUE(r);
    EXPECT_EQ(std::get<0>(*r), "hello");
    EXPECT_EQ(f.lane(), async::lane_status::done);
  });
}

TEST(AsyncFuture, AS8_CancelReleasesABlockedGet) {
  copas::loop([] {
    auto f = async::addthread(hello_world_after(5s));
    std::optional<copas::result<hw>> got;
    steady::time_point released;
    copas::addthread([&] {
      got = f.get();
      released = steady::now();
    });
    copas::pause(0.2);
    EXPECT_FALSE(got);
    auto cancelled_at = steady::now();
    EXPECT_TRUE(f.cancel());
    copas::pause(0);
    copas::pause(0);
    ASSERT_TRUE(got);
    ASSERT_FALSE(*got);
    EXPECT_EQ(got->error().message(), "cancelled");
    EXPECT_LT(std::chrono::duration<double>(released - cancelled_at).count(), 0.05);
  });
}

TEST(AsyncFuture, AS9_TwoConcurrentGets) {
  copas::loop([] {
    auto f = async::addthread(hello_world_after(1s));
    int ok = 0;
    copas::addthread([&] {
      auto r = f.get();
      if (r && *r == hw("hello", "world")) ++ok;
    });
    copas::addthread([&] {
      copas::pause(0.1);
      auto r = f();  // the call operator is get()
      if (r && *r == hw("hello", "world")) ++ok;
    });
    copas::pause(1.5);
    EXPECT_EQ(ok, 2);
  });
}

TEST(AsyncFuture, ManyWaitersOnOneFutureAreAllReleased) {
  constexpr int waiters = 500;
  int released = 0;
  copas::loop([&] {
    auto f = async::addthread([] {
      std::this_thread::sleep_for(200ms);
      return std::string("shared");
    });
    for (int i = 0; i < waiters; ++i)
      copas::addthread([&released, f] {
        auto r = f.get();
        if (r && std::get<0>(*r) == "shared") ++released;
      });
  });
  EXPECT_EQ(released, waiters);
}

TEST(AsyncFuture, AS18_ExceptionBecomesTheErrorMessage) {
  copas::loop([] {
    auto f = async::addthread([]() -> int { throw std::runtime_error("boom: it broke"); });
    auto r = f.get();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "boom: it broke");
    EXPECT_TRUE(r.error() == async::errc::task_failed);
    auto t = f.try_get();
    EXPECT_EQ(t.status, async::ERROR);
    ASSERT_TRUE(t.error);
    EXPECT_EQ(t.error->message(), "boom: it broke");
    EXPECT_EQ(f.lane(), async::lane_status::error);

    auto g = async::addthread([] { throw 42; });
    auto r2 = g.get();
    ASSERT_FALSE(r2);
    EXPECT_EQ(r2.error().message(), "unknown error");
  });
}

TEST(AsyncFuture, F3_GetIsIdempotent) {
  copas::loop([] {
    auto f = async::addthread([] { return std::tuple{1, 2, 3}; });
    auto a = f.get();
    auto b = f.get();
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, std::tuple(1, 2, 3));
    EXPECT_EQ(*a, *b);
    auto t = f.try_get();  // F7
    EXPECT_EQ(t.status, async::SUCCESS);
    EXPECT_EQ(*t.values, std::tuple(1, 2, 3));
  });
}

TEST(AsyncFuture, F6_TryOnARunningTaskIsPending) {
  copas::loop([] {
    auto f = async::addthread([](std::stop_token st) {
      while (!st.stop_requested()) std::this_thread::sleep_for(1ms);
    });
    auto t = f.try_get();
    EXPECT_EQ(t.status, async::PENDING);
    EXPECT_FALSE(t.values);
    EXPECT_FALSE(t.error);
    EXPECT_TRUE(f.cancel());
  });
}

TEST(AsyncFuture, VoidTaskYieldsAnEmptyTuple) {
  copas::loop([] {
    std::atomic<bool> ran{false};
    auto f = async::addthread([&ran] { ran = true; });
    static_assert(std::is_same_v<decltype(f), async::future<>>);
    auto r = f.get();
    EXPECT_TRUE(r);
    EXPECT_TRUE(ran);
  });
}

TEST(AsyncFuture, TheTaskWorksOnCopiesOfWhatItCaptures) {
  copas::loop([] {
    std::string msg = "hello";
    auto f = async::addthread([msg]() mutable {
      std::this_thread::sleep_for(100ms);
      std::string seen = msg;
      msg = "changed in the task";
      return seen;
    });
    msg = "changed after start";
    auto r = f.get();
    ASSERT_TRUE(r);
    EXPECT_EQ(std::get<0>(*r), "hello");
    EXPECT_EQ(msg, "changed after start");
  });
}

TEST(AsyncFuture, RunIsAddthreadPlusGet) {
  copas::loop([] {
    auto r = async::run([] { return std::tuple{std::string("result"), 7}; });
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, std::tuple(std::string("result"), 7));
    auto e = async::run([]() -> int { throw std::runtime_error("bad"); });
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().message(), "bad");
  });
}

TEST(AsyncFuture, RemovingAFiberInRunCancelsItsTask) {
  copas::loop([] {
    std::atomic<bool> stopped{false};
    auto t = copas::addthread([&] {
      async::run([&stopped] {
        async::this_task::sleep(60);
        stopped = true;
      });
    });
    copas::pause(0.2);
    copas::removethread(t);
    copas::pause(0.2);
    EXPECT_FALSE(t.alive());
    EXPECT_TRUE(copas::test::eventually([&] { return stopped.load(); }, 2));
  });
}

// 100 fibers each wait on their own blocking task while a ticker keeps a 10 ms beat. The bound is
// the (5 ms); on a shared, loaded machine one run can be hit by the OS scheduler, so the
// scenario gets three attempts and must meet the bound in one of them.
//
// What is measured is the loop's lateness, not the machine's: the time the dispatcher thread
// spent runnable but waiting for a CPU during the tick (the kernel's per-thread run delay,
// /proc/thread-self/schedstat) is taken off, so other processes' load does not count. What
// remains is time the loop itself spent elsewhere: with worker threads started by submit on the
// dispatcher thread (pthread_create under the pool lock), ticks came 0.37 s late here under
// ThreadSanitizer beside two CPU hogs (1.7 s raw), and 0.51 s in CI.
namespace {
// Seconds this thread has spent waiting on a run queue so far (0 if the kernel does not say).
double run_delay() {
  std::ifstream in("/proc/thread-self/schedstat");
  unsigned long long on_cpu = 0, waiting = 0;
  if (!(in >> on_cpu >> waiting)) return 0;
  return static_cast<double>(waiting) / 1e9;
}

double worst_ticker_lateness_with_hundred_blocked_tasks() {
  double worst = 0;
  int started = 0;
  int finished = 0;
  bool done = false;
  copas::loop([&] {
    copas::addthread([&] {
      while (!done) {
        // Measured once every task's fiber has run: a fiber's first run is the scheduler's
        // business (and costs ThreadSanitizer a millisecond each, for its fiber bookkeeping).
        const bool measured = started == 100;
        const double delay_before = run_delay();
        auto before = steady::now();
        copas::pause(0.01);
        // (Never-early is the core's promise and its tests' business; here only lateness counts.)
        const double took = since(before);
        const double late = took - 0.01 - (run_delay() - delay_before);
        if (measured) worst = std::max(worst, late);
      }
    });
    for (int i = 0; i < 100; ++i)
      copas::addthread([&started, &finished, i] {
        ++started;
        copas::pause(0.05);  // all submitted in one burst, while the ticker is measured
        auto r = async::run([i] {
          std::this_thread::sleep_for(std::chrono::milliseconds(300 + i));
          return i;
        });
        if (r && std::get<0>(*r) == i) ++finished;
      });
    copas::addthread([&] {
      while (finished < 100) copas::pause(0.05);
      done = true;
    });
  });
  EXPECT_EQ(finished, 100);
  return worst;
}
}  // namespace

TEST(AsyncFuture, HundredBlockedTasksDoNotDelayATicker) {
  async::configure({.max_workers = 100, .idle_timeout = 10});
  double best = 1e9;
  std::string attempts;
  for (int attempt = 0; attempt < 3 && best >= 0.005 * copas::test::sanitizer_slack; ++attempt) {
    const double worst = worst_ticker_lateness_with_hundred_blocked_tasks();
    attempts += " " + std::to_string(worst);
    best = std::min(best, worst);
  }
  EXPECT_LT(best, 0.005 * copas::test::sanitizer_slack)
      << "worst lateness per attempt:" << attempts;
}

// The dispatcher sleeps while it waits: it is woken by the worker's post, not by polling.
TEST(AsyncFuture, WaitingDoesNotPoll) {
  copas::loop([] {
    copas::status(true);
    auto r = async::run([] {
      std::this_thread::sleep_for(1s);
      return 1;
    });
    ASSERT_TRUE(r);
    auto s = copas::status();
    ASSERT_TRUE(s.stats);
    EXPECT_LT(s.stats->steps, 20);
    copas::status(false);
  });
}

// An offload job whose task has not finished when its dispatcher ends is listed by the leak
// ledger with the line that submitted it.
TEST(LeakLedgerJobs, AnOffloadJobAliveAtDispatcherEndIsListedWithItsCreationSite) {
  struct gate {
    std::mutex m;
    std::condition_variable_any cv;
    bool open = false;
  };
  auto g = std::make_shared<gate>();
  int line = 0;
  const auto report = copas::test::leak_report_of([&] {
    copas::loop([&] {
      copas::addnamedthread("holder", [&] {
        auto task = [g](std::stop_token stop) {  // ends once the gate opens, or on a cancel
          std::unique_lock lock(g->m);
          g->cv.wait(lock, stop, [&] { return g->open; });
        };
        line = __LINE__ + 1;
        auto f = async::addthread(task);
        copas::pauseforever();  // the dispatcher ends with the future alive, the task unfinished
      });
    });
  });
  {
    std::lock_guard lock(g->m);
    g->open = true;  // the worker, if it runs the task, now returns at once
  }
  g->cv.notify_all();
  const auto entry = copas::test::ledger_entry(report, "offload job created at");
  EXPECT_THAT(entry, testing::HasSubstr("future_test.cpp:" + std::to_string(line))) << report;
}
