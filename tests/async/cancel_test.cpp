// Cancellation: soft first (stop token, SIGTERM to a child), forced after cancel_timeout
// (tests.md AS7, AS17, and the forced-stop scenarios of the async issue). Every test proves that
// nothing is left behind: no thread, no child process, no file descriptor.
#include <copas/async.hpp>
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include "async_test_support.hpp"
#include "fd_count.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

using namespace std::chrono_literals;
namespace async = copas::async;
using copas::test::eventually;
using copas::test::eventually_in_fiber;
using copas::test::since;
using steady = std::chrono::steady_clock;

namespace {

// Runs one task first so that the pool (and, after a cancel, its watchdog) exist, lets the idle
// worker exit, and returns the thread count of the quiet process.
std::size_t quiet_thread_baseline() {
  async::configure({.max_workers = 8, .idle_timeout = 0.05});
  copas::loop([] {
    auto f = async::addthread([] { async::this_task::sleep(60); });
    copas::pause(0.05);
    f.cancel();  // starts the watchdog thread too
  });
  EXPECT_TRUE(eventually([] { return async::stats().workers == 0; }));
  // A worker leaves the pool's count before its thread has ended: the count is the quiet one
  // once it holds still for a while.
  std::size_t last = copas::test::thread_count();
  int still = 0;
  EXPECT_TRUE(eventually([&] {
    const std::size_t now = copas::test::thread_count();
    still = now == last ? still + 1 : 0;
    last = now;
    return still >= 10;  // 100 ms
  }));
  return last;
}

struct flag_on_destroy {
  std::shared_ptr<std::atomic<bool>> flag;
  ~flag_on_destroy() { *flag = true; }
};

}  // namespace

TEST(AsyncCancel, AS7_CancelNeverBlocksAndTheBlockedWorkerIsForcedAfterCancelTimeout) {
  const auto threads = quiet_thread_baseline();
  const auto fds = copas::test::open_fd_count();
  const auto before = async::stats();
  async::cancel_timeout = 1;
  auto unwound = std::make_shared<std::atomic<bool>>(false);
  int ticks = 0;
  bool stop_ticking = false;
  copas::loop([&] {
    copas::test::start_ticker(0.05, ticks, stop_ticking);
    auto f = async::addthread([unwound] {
      flag_on_destroy guard{unwound};
      ::sleep(10);  // C-level, ignores the stop token
      return 1;
    });
    copas::pause(0.5);
    // Started (a loaded machine, or TSan, may take its time): a queued task is never forced.
    ASSERT_TRUE(eventually_in_fiber([&] { return f.lane() == async::lane_status::running; }));
    int ticks_before = ticks;
    auto start = steady::now();
    EXPECT_TRUE(f.cancel());
    EXPECT_LT(since(start), 0.05);
    auto r = f.get();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "cancelled");
    copas::pause(1.5);
    EXPECT_GT(ticks, ticks_before + 20);  // other fibers kept running meanwhile
    EXPECT_TRUE(eventually_in_fiber([&] { return f.lane() == async::lane_status::killed; }));
    stop_ticking = true;
  });
  EXPECT_TRUE(eventually([&] { return unwound->load(); }, 2)) << "destructors ran in the task";
  EXPECT_TRUE(eventually([] { return async::stats().stranded == 0; }));
  EXPECT_EQ(async::stats().forced, before.forced + 1);
  EXPECT_TRUE(eventually([&] { return copas::test::thread_count() == threads; }))
      << copas::test::thread_count() << " threads, expected " << threads;
  EXPECT_EQ(copas::test::open_fd_count(), fds);
}

TEST(AsyncCancel, ForcedWorkerInSleep60IsReplacedAndNothingLeaks) {
  const auto threads = quiet_thread_baseline();
  const auto fds = copas::test::open_fd_count();
  const auto before = async::stats();
  async::configure({.max_workers = 1, .idle_timeout = 0.2});
  async::cancel_timeout = 0.2;
  copas::loop([] {
    auto stuck = async::addthread([] {
      ::sleep(60);
      return 0;
    });
    ASSERT_TRUE(eventually_in_fiber([&] { return stuck.lane() == async::lane_status::running; }));
    EXPECT_TRUE(stuck.cancel());
    // The only worker is stuck; this task runs once it has been forced and replaced.
    auto start = steady::now();
    auto r = async::run([] { return 5; });
    ASSERT_TRUE(r);
    EXPECT_EQ(std::get<0>(*r), 5);
    EXPECT_GE(since(start), 0.1);
    EXPECT_LT(since(start), 2.0);
  });
  EXPECT_EQ(async::stats().forced, before.forced + 1);
  EXPECT_EQ(async::stats().created, before.created + 2);  // the stuck worker and its replacement
  EXPECT_TRUE(eventually([] { return async::stats().stranded == 0; }));
  EXPECT_TRUE(eventually([&] { return copas::test::thread_count() == threads; }))
      << copas::test::thread_count() << " threads, expected " << threads;
  EXPECT_EQ(copas::test::open_fd_count(), fds);
}

TEST(AsyncCancel, CooperativeTaskStopsAtOnceWithoutForcing) {
  async::cancel_timeout = 0.2;
  const auto before = async::stats();
  copas::loop([] {
    std::atomic<bool> woke_early{false};
    auto f = async::addthread([&woke_early] {
      woke_early = !async::this_task::sleep(60);
      return async::this_task::stop_requested();
    });
    copas::pause(0.1);
    EXPECT_TRUE(f.cancel());
    EXPECT_TRUE(eventually([&] { return f.lane() == async::lane_status::cancelled; }, 1));
    EXPECT_TRUE(woke_early);
    copas::pause(0.5);  // past cancel_timeout: nothing to force
    EXPECT_EQ(f.lane(), async::lane_status::cancelled);
  });
  EXPECT_EQ(async::stats().forced, before.forced);
}

TEST(AsyncCancel, ATaskThatNeverReachesACancellationPointIsStrandedAndReplaced) {
  async::configure({.max_workers = 1, .idle_timeout = 10});
  async::cancel_timeout = 0.1;
  auto release = std::make_shared<std::atomic<bool>>(false);
  const auto before = async::stats();
  copas::loop([&] {
    auto f = async::addthread([release] {
      volatile unsigned long spins = 0;
      while (!release->load()) spins = spins + 1;  // no cancellation point, no stop token
      return 1;
    });
    ASSERT_TRUE(eventually_in_fiber([&] { return f.lane() == async::lane_status::running; }));
    EXPECT_TRUE(f.cancel());
    EXPECT_TRUE(eventually_in_fiber([&] { return f.lane() == async::lane_status::killed; }));
    auto s = async::stats();
    EXPECT_EQ(s.forced, before.forced + 1);
    EXPECT_EQ(s.stranded, before.stranded + 1);
    auto r = async::run([] { return 2; });  // served by the replacement worker
    ASSERT_TRUE(r);
    EXPECT_EQ(std::get<0>(*r), 2);
  });
  *release = true;
  EXPECT_TRUE(eventually([] { return async::stats().stranded == 0; }));
}

TEST(AsyncCancel, CancelledChildProcessGetsSigterm) {
  async::cancel_timeout = 5;
  const auto before = async::stats();
  copas::loop([] {
    auto start = steady::now();
    auto f = async::addthread([] { return async::this_task::execute("sleep 60"); });
    copas::pause(0.3);
    ASSERT_TRUE(copas::test::has_children());
    EXPECT_TRUE(f.cancel());
    EXPECT_TRUE(eventually([&] { return f.lane() == async::lane_status::cancelled; }, 2));
    EXPECT_LT(since(start), 2.0);
  });
  EXPECT_TRUE(eventually([] { return !copas::test::has_children(); }));
  EXPECT_EQ(async::stats().children_killed, before.children_killed);
}

TEST(AsyncCancel, OsExecuteThatIgnoresSigtermIsKilledAfterCancelTimeout) {
  const auto threads = quiet_thread_baseline();
  const auto fds = copas::test::open_fd_count();
  const auto before = async::stats();
  async::cancel_timeout = 0.5;
  copas::loop([&] {
    auto f = async::addthread(
        [] { return async::this_task::execute("trap '' TERM; sleep 60; sleep 60"); });
    copas::pause(0.3);
    ASSERT_TRUE(copas::test::has_children());
    EXPECT_TRUE(f.cancel());
    copas::pause(0.2);
    EXPECT_EQ(f.lane(), async::lane_status::running);  // SIGTERM ignored
    copas::pause(0.6);
    EXPECT_EQ(f.lane(), async::lane_status::killed);
  });
  EXPECT_TRUE(eventually([] { return !copas::test::has_children(); }));
  EXPECT_EQ(async::stats().children_killed, before.children_killed + 1);
  EXPECT_EQ(async::stats().forced, before.forced);  // the worker itself was not cancelled
  EXPECT_TRUE(eventually([&] { return copas::test::thread_count() == threads; }));
  EXPECT_EQ(copas::test::open_fd_count(), fds);
}

TEST(AsyncCancel, RemovingAFiberInOsExecuteStopsTheCommand) {
  async::cancel_timeout = 5;
  copas::loop([] {
    auto start = steady::now();
    auto t = copas::addthread([] { (void)async::os_execute("sleep 60"); });
    copas::pause(0.3);
    ASSERT_TRUE(copas::test::has_children());
    copas::removethread(t);
    copas::pause(0.05);
    EXPECT_FALSE(t.alive());
    EXPECT_TRUE(eventually([] { return !copas::test::has_children(); }, 2));
    EXPECT_LT(since(start), 3.0);
  });
}

TEST(AsyncCancel, AS17_ForeverCancelTimeoutDoesNotKeepTheLoopAlive) {
  async::cancel_timeout = copas::forever;
  auto start = steady::now();
  copas::loop([] {
    auto f = async::addthread([] {
      ::sleep(2);
      return 1;
    });
    copas::pause(0.1);
    EXPECT_TRUE(f.cancel());
  });
  EXPECT_LT(since(start), 1.0);
  async::cancel_timeout = 5;
}

TEST(AsyncCancel, TheWatchdogDoesNotKeepTheLoopAlive) {
  async::cancel_timeout = 3;
  auto start = steady::now();
  copas::loop([] {
    auto f = async::addthread([] { async::this_task::sleep(60); });
    copas::pause(0.1);
    EXPECT_TRUE(f.cancel());
  });
  EXPECT_LT(since(start), 1.0);
}

TEST(AsyncCancel, CancelBeforeAWorkerStartsItSkipsTheTask) {
  async::configure({.max_workers = 1, .idle_timeout = 10});
  copas::loop([] {
    auto busy = async::addthread([] { std::this_thread::sleep_for(200ms); });
    std::atomic<bool> ran{false};
    auto queued = async::addthread([&ran] { ran = true; });
    EXPECT_EQ(queued.lane(), async::lane_status::pending);
    EXPECT_TRUE(queued.cancel());
    EXPECT_TRUE(busy.get());
    copas::pause(0.1);
    EXPECT_FALSE(ran);
    EXPECT_EQ(queued.lane(), async::lane_status::cancelled);
  });
}
