// A callback that runs inside the parking fiber's own switch (the poll between rounds) and wakes
// that same fiber must not resume it onto itself.
#include <copas/core.hpp>
#include <copas/core/fd_wait.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace {

TEST(Wait, WokenByACallbackWhileParking) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  copas::fd_watch watch(sv[0]);
  bool woken = false;
  copas::loop([&] {
    // Enough switches for the next round boundary to poll, with the socket already readable:
    // the edge's callback runs in the poll inside this fiber's own park.
    for (int i = 0; i < 64; ++i) copas::pause();
    (void)!::write(sv[1], "x", 1);
    auto why = watch.wait(copas::fd_watch::read, copas::deadline_after(2));
    woken = why == copas::wake_reason::woken;
  });
  watch.close();
  ::close(sv[0]);
  ::close(sv[1]);
  EXPECT_TRUE(woken);
}

}  // namespace

namespace {

// An fd that stays ready (never drained), waited on level-triggered again and again, must not
// hold the scheduler in one poll: other fibers keep running.
TEST(Wait, UndrainedEventDoesNotStallTheLoop) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ASSERT_EQ(::write(sv[1], "x", 1), 1);
  int fired = 0;
  int turns = 0;
  copas::loop([&] {
    copas::addthread([&] {
      while (turns < 1000)
        if (copas::wait_readable(sv[0], copas::deadline_after(5)) == copas::wake_reason::woken)
          ++fired;
    });
    for (int i = 0; i < 1000; ++i) {
      copas::pause();
      ++turns;
    }
  });
  ::close(sv[0]);
  ::close(sv[1]);
  EXPECT_EQ(turns, 1000);
  EXPECT_GT(fired, 0);
}

}  // namespace
