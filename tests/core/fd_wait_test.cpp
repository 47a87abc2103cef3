// copas::wait_readable / wait_writable and copas::fd_watch: the one fd-readiness primitive.
#include <copas/core.hpp>
#include <copas/core/fd_wait.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>

namespace {

using copas::fd_watch;
using copas::wake_reason;
using namespace std::chrono_literals;

// A connected pair of non-blocking stream sockets, closed at the end of the test.
struct pair {
  int a = -1, b = -1;
  pair() {
    int sv[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    a = sv[0];
    b = sv[1];
  }
  ~pair() {
    ::close(a);
    ::close(b);
  }
  pair(const pair&) = delete;
  pair& operator=(const pair&) = delete;
};

// Fills `fd`'s send buffer (and its peer's receive buffer) until a write would block.
void fill(int fd) {
  char buf[4096] = {};
  while (::write(fd, buf, sizeof buf) > 0) {
  }
}

// Reads everything queued on `fd`.
void drain(int fd) {
  char buf[4096];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
}

TEST(FdWait, ReadableWakesAOneShotWait) {
  pair p;
  wake_reason why = wake_reason::timeout;
  copas::loop([&] {
    copas::addthread([&] { why = copas::wait_readable(p.a, copas::deadline_after(10)); });
    copas::addthread([&] {
      copas::pause(0.02);
      ASSERT_EQ(::write(p.b, "x", 1), 1);
    });
  });
  EXPECT_EQ(why, wake_reason::woken);
}

TEST(FdWait, WritableReturnsForAWritableFd) {
  pair p;
  wake_reason why = wake_reason::timeout;
  copas::loop([&] { why = copas::wait_writable(p.a, copas::deadline_after(10)); });
  EXPECT_EQ(why, wake_reason::woken);
}

TEST(FdWait, ReadableWakesAWatch) {
  pair p;
  fd_watch watch(p.a);
  wake_reason why = wake_reason::timeout;
  bool was_waiting = false;
  copas::loop([&] {
    copas::addthread([&] { why = watch.wait(fd_watch::read, copas::deadline_after(10)); });
    copas::addthread([&] {
      copas::pause(0.02);
      was_waiting = watch.waiting(fd_watch::read);
      ASSERT_EQ(::write(p.b, "x", 1), 1);
    });
  });
  EXPECT_TRUE(was_waiting);
  EXPECT_EQ(why, wake_reason::woken);
  EXPECT_FALSE(watch.waiting(fd_watch::read));
}

// An edge that comes while nobody waits is kept: the next wait returns without parking, even
// with a deadline already past.
TEST(FdWait, AnEdgeWithNobodyWaitingIsKeptForTheNextWait) {
  pair p;
  fd_watch watch(p.a);
  wake_reason first = wake_reason::timeout, second = wake_reason::woken;
  copas::loop([&] {
    ASSERT_EQ(::write(p.b, "x", 1), 1);
    copas::pause(0.02);  // the loop polls and sees the edge
    first = watch.wait(fd_watch::read, copas::clock::now());
    second = watch.wait(fd_watch::read, copas::clock::now());  // consumed: nothing new
  });
  EXPECT_EQ(first, wake_reason::woken);
  EXPECT_EQ(second, wake_reason::timeout);
}

TEST(FdWait, DeadlineTimesOutMeasuredFromTheWaitsStart) {
  pair p;
  fd_watch watch(p.a);
  wake_reason one_shot = wake_reason::woken, watched = wake_reason::woken;
  copas::clock::duration one_shot_took{}, watched_took{};
  copas::loop([&] {
    auto start = copas::clock::now();
    one_shot = copas::wait_readable(p.a, start + 100ms);
    one_shot_took = copas::clock::now() - start;
    start = copas::clock::now();
    watched = watch.wait(fd_watch::read, start + 100ms);
    watched_took = copas::clock::now() - start;
  });
  EXPECT_EQ(one_shot, wake_reason::timeout);
  EXPECT_EQ(watched, wake_reason::timeout);
  // Never early; late only by the machine's load (a generous bound).
  EXPECT_GE(one_shot_took, 100ms);
  EXPECT_GE(watched_took, 100ms);
  EXPECT_LT(one_shot_took, 10s);
  EXPECT_LT(watched_took, 10s);
}

TEST(FdWait, CancelWhileWaitingUnwindsAndFreesTheDirection) {
  pair p;
  fd_watch watch(p.a);
  bool watch_cancelled = false, one_shot_cancelled = false, still_waiting = true;
  wake_reason after = wake_reason::timeout;
  copas::loop([&] {
    auto t1 = copas::addthread([&] {
      try {
        watch.wait(fd_watch::read);
      } catch (const copas::thread_cancelled&) {
        watch_cancelled = true;
        throw;
      }
    });
    auto t2 = copas::addthread([&] {
      try {
        copas::wait_readable(p.a);
      } catch (const copas::thread_cancelled&) {
        one_shot_cancelled = true;
        throw;
      }
    });
    copas::addthread([&, t1, t2] {
      copas::pause(0.02);
      copas::removethread(t1);
      copas::removethread(t2);
      copas::pause(0.02);
      still_waiting = watch.waiting(fd_watch::read);
      // The direction is free again: a new wait works and sees the next edge.
      copas::addthread([&] {
        copas::pause(0.02);
        ASSERT_EQ(::write(p.b, "x", 1), 1);
      });
      after = watch.wait(fd_watch::read, copas::deadline_after(10));
    });
  });
  EXPECT_TRUE(watch_cancelled);
  EXPECT_TRUE(one_shot_cancelled);
  EXPECT_FALSE(still_waiting);
  EXPECT_EQ(after, wake_reason::woken);
}

TEST(FdWait, DestroyingAWatchWakesItsWaiters) {
  pair p;
  fill(p.a);  // p.a not writable: the writer parks too
  auto watch = std::make_unique<fd_watch>(p.a);
  wake_reason reader = wake_reason::timeout, writer = wake_reason::timeout;
  copas::loop([&] {
    copas::addthread([&] { reader = watch->wait(fd_watch::read, copas::deadline_after(10)); });
    copas::addthread([&] { writer = watch->wait(fd_watch::write, copas::deadline_after(10)); });
    copas::addthread([&] {
      copas::pause(0.02);
      watch.reset();  // the waiters must touch nothing of it when they run
    });
  });
  EXPECT_EQ(reader, wake_reason::woken);
  EXPECT_EQ(writer, wake_reason::woken);
}

TEST(FdWait, ClosingAWatchWakesItsWaiterAndItCanWatchAgain) {
  pair p;
  fd_watch watch(p.a);
  wake_reason first = wake_reason::timeout, second = wake_reason::timeout;
  copas::clock::duration took{};
  copas::loop([&] {
    copas::addthread([&] {
      auto start = copas::clock::now();
      first = watch.wait(fd_watch::read, copas::deadline_after(10));
      took = copas::clock::now() - start;
    });
    copas::addthread([&] {
      copas::pause(0.02);
      watch.close();
      EXPECT_FALSE(watch.watching());
      EXPECT_FALSE(watch.waiting(fd_watch::read));
      watch.watch(p.a);
      copas::addthread([&] {
        copas::pause(0.02);
        ASSERT_EQ(::write(p.b, "x", 1), 1);
      });
      second = watch.wait(fd_watch::read, copas::deadline_after(10));
    });
  });
  EXPECT_EQ(first, wake_reason::woken);
  EXPECT_LT(took, 5s);  // woken by the close, not by its deadline
  EXPECT_EQ(second, wake_reason::woken);
}

TEST(FdWait, OneFiberReadsAndOneWritesTheSameFd) {
  pair p;
  fill(p.a);
  fd_watch watch(p.a);
  wake_reason reader = wake_reason::timeout, writer = wake_reason::timeout;
  bool both_waiting = false, second_reader_refused = false;
  copas::loop([&] {
    copas::addthread([&] { reader = watch.wait(fd_watch::read, copas::deadline_after(10)); });
    copas::addthread([&] { writer = watch.wait(fd_watch::write, copas::deadline_after(10)); });
    copas::addthread([&] {
      copas::pause(0.02);
      both_waiting = watch.waiting(fd_watch::read) && watch.waiting(fd_watch::write);
      try {
        watch.wait(fd_watch::read, copas::deadline_after(1));
      } catch (const std::logic_error&) {
        second_reader_refused = true;  // one waiter per direction
      }
      drain(p.b);                          // p.a writable again
      ASSERT_EQ(::write(p.b, "x", 1), 1);  // p.a readable
    });
  });
  EXPECT_TRUE(both_waiting);
  EXPECT_TRUE(second_reader_refused);
  EXPECT_EQ(reader, wake_reason::woken);
  EXPECT_EQ(writer, wake_reason::woken);
}

TEST(FdWait, ReadEdgeClearsDrainedAndReportsThePeersClose) {
  pair p;
  fd_watch watch(p.a);
  bool drained_before = false, drained_after = true, peer_closed = false;
  copas::loop([&] {
    watch.set_drained(true);
    drained_before = watch.drained();
    ::shutdown(p.b, SHUT_WR);
    watch.wait(fd_watch::read, copas::deadline_after(10));
    drained_after = watch.drained();
    peer_closed = watch.peer_closed();
  });
  EXPECT_TRUE(drained_before);
  EXPECT_FALSE(drained_after);
  EXPECT_TRUE(peer_closed);
}

TEST(FdWait, WaitersCountAsReadingAndWritingInStatus) {
  pair p;
  fill(p.a);
  fd_watch watch(p.a);
  int reading = -1, writing = -1;
  copas::loop([&] {
    copas::addthread([&] { watch.wait(fd_watch::read, copas::deadline_after(10)); });
    copas::addthread([&] { watch.wait(fd_watch::write, copas::deadline_after(10)); });
    copas::addthread([&] {
      copas::pause(0.02);
      auto st = copas::status();
      reading = st.read;
      writing = st.write;
      watch.close();
    });
  });
  EXPECT_EQ(reading, 1);
  EXPECT_EQ(writing, 1);
}

}  // namespace
