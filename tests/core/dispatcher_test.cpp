// Dispatchers per OS thread, cross-thread post, shutdown unwinding.
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace {

TEST(Dispatcher, OnePerThreadIndependent) {
  std::atomic<int> total{0};
  auto work = [&] {
    copas::loop([&] {
      for (int i = 0; i < 100; ++i)
        copas::addthread([&] {
          copas::pause(0.001);
          ++total;
        });
    });
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  EXPECT_EQ(total.load(), 200);
}

TEST(Dispatcher, PostFromAnotherThreadWakesABlockedLoop) {
  auto remote = copas::dispatcher::current().get_remote();
  copas::waker w;
  double waited = 0;
  std::thread poster;
  copas::loop([&] {
    w = copas::this_thread::get_waker();
    poster = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      EXPECT_TRUE(remote->post([&] { w.wake(); }));
    });
    auto t0 = copas::clock::now();
    // external: keeps the loop alive; the loop blocks in libevent until the post arrives
    copas::this_thread::park(copas::wait_kind::external);
    waited = copas::to_seconds(copas::clock::now() - t0);
  });
  poster.join();
  EXPECT_GE(waited, 0.04);
  EXPECT_LT(waited, 1.0);
}

TEST(Dispatcher, RemotePostFailsAfterTheDispatcherIsGone) {
  std::shared_ptr<copas::dispatcher::remote> remote;
  std::thread t([&] { remote = copas::dispatcher::current().get_remote(); });
  t.join();
  EXPECT_FALSE(remote->post([] {}));
}

TEST(Dispatcher, ManyPostsFromManyThreads) {
  auto remote = copas::dispatcher::current().get_remote();
  int received = 0;
  copas::wait_queue done;
  std::vector<std::thread> threads;
  copas::loop([&] {
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 1000; ++i) remote->post([&] {
            if (++received == 4000) done.notify_all();
          });
      });
    done.wait(copas::clock::time_point::max(), copas::wait_kind::external);
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(received, 4000);
}

TEST(Dispatcher, DestructionUnwindsSuspendedFibers) {
  int unwound = 0;
  struct on_exit {
    int& n;
    ~on_exit() { ++n; }
  };
  std::thread t([&] {
    copas::addthread([&] {
      on_exit g{unwound};
      copas::pauseforever();
    });
    copas::addthread([&] {
      on_exit g{unwound};
      copas::this_thread::park(copas::wait_kind::sync);
    });
    copas::loop();  // returns: both are inactive
  });
  t.join();  // the thread's dispatcher is destroyed here
  EXPECT_EQ(unwound, 2);
}

TEST(Dispatcher, CreateTwiceIsRefused) {
  std::thread t([] {
    copas::dispatcher::create({});
    EXPECT_THROW(copas::dispatcher::create({}), std::logic_error);
  });
  t.join();
}

TEST(Dispatcher, BusyFibersDoNotStarveTimers) {
  // Two fibers that only ever yield must not keep a timer from firing on time.
  bool stop = false;
  double late = 1;
  copas::loop([&] {
    for (int i = 0; i < 2; ++i)
      copas::addthread([&] {
        while (!stop) copas::pause();
      });
    auto t0 = copas::clock::now();
    copas::pause(0.05);
    late = copas::to_seconds(copas::clock::now() - t0) - 0.05;
    stop = true;
  });
  EXPECT_GE(late, 0);
  EXPECT_LT(late, 0.05);  // about a millisecond when the machine is idle
}

}  // namespace
