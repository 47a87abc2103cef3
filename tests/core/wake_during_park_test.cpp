// A callback that runs inside the parking fiber's own switch (the poll between rounds) and wakes
// that same fiber must not resume it onto itself.
#include <copas/core.hpp>

#include <event2/event.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace {

TEST(Wait, WokenByACallbackWhileParking) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  copas::waker w;
  event* ev = event_new(copas::dispatcher::current().base(), sv[0], EV_READ | EV_PERSIST,
                        [](evutil_socket_t fd, short, void* p) {
                          char c;
                          (void)!::read(fd, &c, 1);
                          static_cast<copas::waker*>(p)->wake();
                        },
                        &w);
  event_add(ev, nullptr);
  bool woken = false;
  copas::loop([&] {
    // Enough switches for the next round boundary to poll, with the socket already readable.
    for (int i = 0; i < 64; ++i) copas::pause();
    (void)!::write(sv[1], "x", 1);
    w = copas::this_thread::get_waker();
    copas::this_thread::park(copas::wait_kind::read, copas::deadline_after(2));
    woken = true;
  });
  event_free(ev);
  ::close(sv[0]);
  ::close(sv[1]);
  EXPECT_TRUE(woken);
}

}  // namespace

namespace {

// An fd event that stays active (level-triggered, never drained) must not hold the scheduler in
// one poll: fibers keep running.
TEST(Wait, UndrainedEventDoesNotStallTheLoop) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ASSERT_EQ(::write(sv[1], "x", 1), 1);
  int fired = 0;
  event* ev = event_new(copas::dispatcher::current().base(), sv[0], EV_READ | EV_PERSIST,
                        [](evutil_socket_t, short, void* p) { ++*static_cast<int*>(p); }, &fired);
  event_add(ev, nullptr);
  int turns = 0;
  copas::loop([&] {
    for (int i = 0; i < 1000; ++i) {
      copas::pause();
      ++turns;
    }
  });
  event_free(ev);
  ::close(sv[0]);
  ::close(sv[1]);
  EXPECT_EQ(turns, 1000);
  EXPECT_GT(fired, 0);
}

}  // namespace
