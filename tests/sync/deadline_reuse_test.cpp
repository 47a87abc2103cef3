// A fiber's deadline timer outlives a wait that ended early (core/src/wait.cpp arms it lazily,
// so that a lock or semaphore waiting again with the same timeout adds no libevent timer). Every
// wait must still end exactly at its own deadline: earlier deadlines re-arm the timer, later ones
// are not cut short by the leftover timer, waits without a deadline ignore it, and it keeps
// neither the loop nor a fiber waiting.
#include <copas/sync/lock.hpp>
#include <copas/sync/semaphore.hpp>

#include "sync_test.hpp"

namespace copas {
namespace {

using test::since;

// Gives one resource to `s` after `delay` seconds, from another fiber.
void give_later(semaphore s, double delay) {
  addthread([s, delay]() mutable {
    pause(delay);
    s.give();
  });
}

TEST(DeadlineReuse, ShorterDeadlineAfterALongerOne) {
  loop([] {
    semaphore s(1);
    give_later(s, 0.05);
    ASSERT_TRUE(s.take());  // 10 s default, served after 0.05 s: its timer stays armed for 10 s
    const auto start = clock::now();
    result<void> r = s.take(1, 0.3);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "timeout");
    EXPECT_WAITED(since(start), 0.3);
  });
}

TEST(DeadlineReuse, LongerDeadlineAfterAShorterOne) {
  loop([] {
    semaphore s(1);
    give_later(s, 0.05);
    ASSERT_TRUE(s.take(1, 0.2));  // its timer, left armed, fires 0.15 s into the next wait
    const auto start = clock::now();
    result<void> r = s.take(1, 0.5);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "timeout");
    EXPECT_WAITED(since(start), 0.5);
  });
}

TEST(DeadlineReuse, WaitForeverIgnoresTheLeftoverTimer) {
  loop([] {
    semaphore s(1);
    give_later(s, 0.05);
    ASSERT_TRUE(s.take(1, 0.2));
    give_later(s, 0.5);
    const auto start = clock::now();
    EXPECT_TRUE(s.take(1, forever));  // not ended by the leftover timer at 0.15 s
    EXPECT_WAITED(since(start), 0.5);
  });
}

TEST(DeadlineReuse, PauseAfterAWaitThatEndedEarly) {
  loop([] {
    lock l;
    ASSERT_TRUE(l.get());
    addthread([l]() mutable {
      lock_result got = l.get();  // 10 s default, handed over after 0.05 s
      ASSERT_TRUE(got);
      l.release();
      const auto start = clock::now();
      pause(0.2);
      EXPECT_WAITED(since(start), 0.2);
      const auto again = clock::now();
      lock_result r = l.get(0.3);  // the main fiber holds it again by now
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().message(), "timeout");
      EXPECT_WAITED(since(again), 0.3);
      EXPECT_WAITED(r.wait_time(), 0.3);
    });
    pause(0.05);
    l.release();
    pause(0);
    ASSERT_TRUE(l.get(forever));  // after the other fiber released it
  });
}

TEST(DeadlineReuse, LeftoverTimerDoesNotKeepTheLoopRunning) {
  const auto start = clock::now();
  loop([] {
    semaphore s(1);
    give_later(s, 0.05);
    addthread([s]() mutable {
      ASSERT_TRUE(s.take());  // leaves a timer armed for 10 s
      pauseforever();         // alive, but nothing keeps the loop running
    });
  });
  EXPECT_LT(since(start), 1.0);
}

}  // namespace
}  // namespace copas
