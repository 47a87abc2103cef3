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
  double parked_for = 0, woke_after_post = 0;
  copas::clock::time_point posted_at{};
  std::thread poster;
  copas::loop([&] {
    w = copas::this_thread::get_waker();
    auto t0 = copas::clock::now();
    poster = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      posted_at = copas::clock::now();  // published to the loop by the post itself
      EXPECT_TRUE(remote->post([&] { w.wake(); }));
    });
    // external: keeps the loop alive; the loop blocks in libevent until the post arrives
    copas::this_thread::park(copas::wait_kind::external);
    auto now = copas::clock::now();
    parked_for = copas::to_seconds(now - t0);
    woke_after_post = copas::to_seconds(now - posted_at);
  });
  poster.join();
  EXPECT_GE(parked_for, 0.05);  // it stayed parked until the post (nothing else woke it)
  // Measured from the post, not from before the poster thread started: a loaded machine may
  // start that thread late, but the blocked loop must wake at once when the post arrives.
  EXPECT_GE(woke_after_post, 0.0);
  EXPECT_LT(woke_after_post, 0.5);
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
        for (int i = 0; i < 1000; ++i)
          remote->post([&] {
            if (++received == 4000) done.notify_all();
          });
      });
    done.wait(copas::clock::time_point::max(), copas::wait_kind::external);
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(received, 4000);
}

// With dispatcher_options::spin_for_post, while a fiber waits on another thread the idle loop
// watches for a post before it blocks, and a post that sees it watching writes no eventfd. Posts
// landing before, during, at the end of and after the spin must each still wake the fiber: a
// lost one fails the round after 5 s.
TEST(Dispatcher, PostsAroundTheSpinForPostAreNeverLost) {
  std::thread on_own_dispatcher([] {
    copas::dispatcher_options o;
    o.spin_for_post = std::chrono::microseconds(50);
    copas::dispatcher::create(o);
    auto remote = copas::dispatcher::current().get_remote();
    const auto spin = copas::dispatcher::current().options().spin_for_post;
    ASSERT_EQ(spin, o.spin_for_post);
    constexpr int rounds = 400;
    std::atomic<int> armed{-1};  // the round whose waker is set: the poster's go signal
    copas::waker w;
    int woken = 0;
    // One long-lived poster, busy-waiting for its go signal, so that each delay is exact (a thread
    // started per round would land every post late).
    std::thread poster([&] {
      for (int round = 0; round < rounds; ++round) {
        while (armed.load() < round) copas::cpu_relax();
        auto delay = spin * (round % 8) / 4;  // 0 .. 1.75 times the spin budget
        auto until = std::chrono::steady_clock::now() + delay;
        while (std::chrono::steady_clock::now() < until) copas::cpu_relax();
        remote->post([&] {
          ++woken;
          w.wake();
        });
      }
    });
    copas::loop([&] {
      for (int round = 0; round < rounds; ++round) {
        w = copas::this_thread::get_waker();
        armed.store(round);
        copas::this_thread::park(copas::wait_kind::external, copas::deadline_after(5));
        ASSERT_EQ(woken, round + 1) << "post " << round << " lost";
      }
    });
    armed.store(rounds);  // after a failed round: let the poster run out
    poster.join();
    EXPECT_EQ(woken, rounds);
  });
  on_own_dispatcher.join();
}

// The default: no spin, the loop blocks at once and the eventfd wakes it.
TEST(Dispatcher, WithoutSpinForPostAPostWakesTheBlockedLoop) {
  ASSERT_EQ(copas::dispatcher_options{}.spin_for_post.count(), 0);
  std::thread t([] {
    copas::dispatcher::create({});
    auto remote = copas::dispatcher::current().get_remote();
    int woken = 0;
    copas::loop([&] {
      for (int round = 0; round < 20; ++round) {
        copas::waker w = copas::this_thread::get_waker();
        std::thread poster([&, w] {
          remote->post([&, w] {
            ++woken;
            w.wake();
          });
        });
        copas::this_thread::park(copas::wait_kind::external, copas::deadline_after(5));
        poster.join();
      }
    });
    EXPECT_EQ(woken, 20);
  });
  t.join();
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
