// copas::async futures under structured concurrency: a task_group member waiting on a worker's
// future is unwound at once and the worker is told through its stop token; a deadline scope ends
// the wait with "timeout" and stops the task likewise.
#include <copas/async.hpp>
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include "async_test_support.hpp"
#include "structured.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace {

using copas::test::eventually;
using copas::test::since;
namespace async = copas::async;

// A task that runs until its stop token is requested, then says so.
auto until_stopped(std::shared_ptr<std::atomic<bool>> stopped) {
  return [stopped](std::stop_token token) {
    while (!token.stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    stopped->store(true);
  };
}

TEST(AsyncGroupCancel, AMemberWaitingOnAFutureUnwindsAndTheWorkerIsTold) {
  auto stopped = std::make_shared<std::atomic<bool>>(false);
  bool destroyed = false, went_on = false;
  copas::loop([&] {
    copas::task_group g;
    g.spawn([&] {
      copas::test::unwound gd{&destroyed};
      auto f = async::addthread(until_stopped(stopped));
      (void)f.get();
      went_on = true;
    });
    copas::pause(0.1);
    EXPECT_FALSE(stopped->load());
    auto start = std::chrono::steady_clock::now();
    g.cancel();
    g.wait();  // at once: the waiting fiber does not wait for the worker
    EXPECT_LT(since(start), 1.0 * copas::test::sanitizer_slack);
  });
  EXPECT_TRUE(destroyed);
  EXPECT_FALSE(went_on);
  EXPECT_TRUE(eventually([&] { return stopped->load(); }));
}

TEST(AsyncGroupCancel, AFutureStillAwaitedElsewhereKeepsItsTask) {
  auto stopped = std::make_shared<std::atomic<bool>>(false);
  copas::loop([&] {
    auto f = async::addthread(until_stopped(stopped));
    copas::task_group g;
    g.spawn([f] { (void)f.get(); });
    auto other = copas::addthread([f] { (void)f.get(); });
    copas::pause(0.1);
    g.cancel();
    g.wait();
    copas::pause(0.1);
    EXPECT_FALSE(stopped->load());  // `other` still waits for it
    EXPECT_TRUE(f.cancel());
  });
  EXPECT_TRUE(eventually([&] { return stopped->load(); }));
}

TEST(AsyncGroupCancel, WithTimeoutEndsTheWaitWithTimeoutAndStopsTheTask) {
  auto stopped = std::make_shared<std::atomic<bool>>(false);
  copas::loop([&] {
    auto start = std::chrono::steady_clock::now();
    auto r =
        copas::with_timeout(0.1, [&] { return async::addthread(until_stopped(stopped)).get(); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "timeout");
    EXPECT_GE(since(start), 0.1);
  });
  EXPECT_TRUE(eventually([&] { return stopped->load(); }));
}

TEST(AsyncGroupCancel, RunInsideACancelledGroupStopsItsTask) {
  auto stopped = std::make_shared<std::atomic<bool>>(false);
  copas::loop([&] {
    copas::task_group g;
    g.spawn([&] { (void)async::run(until_stopped(stopped)); });
    copas::pause(0.1);
    g.cancel();
    g.wait();
  });
  EXPECT_TRUE(eventually([&] { return stopped->load(); }));
}

}  // namespace
