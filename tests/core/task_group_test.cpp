// copas::task_group: cancellation of members at the core's suspension points, wait() promptness,
// exceptions, the keep-running policy, nesting and the destructor.
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include "structured.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using copas::test::round_counter;
using copas::test::unwound;

TEST(TaskGroup, WaitReturnsWhenEveryMemberEnded) {
  std::vector<int> ended;
  copas::loop([&] {
    copas::task_group g;
    for (int i = 0; i < 3; ++i)
      g.spawn(
          [&ended](int n) {
            copas::pause(0.01 * n);
            ended.push_back(n);
          },
          i);
    EXPECT_EQ(g.size(), 3u);
    g.wait();
    EXPECT_EQ(g.size(), 0u);
    EXPECT_EQ(ended, (std::vector<int>{0, 1, 2}));
  });
}

TEST(TaskGroup, SpawnWithOptionsNamesTheMember) {
  std::string name;
  copas::loop([&] {
    copas::task_group g;
    auto t = g.spawn({.name = "member-a"}, [&] { name = copas::getthreadname(); });
    EXPECT_EQ(copas::getthreadname(t), "member-a");
    g.wait();
  });
  EXPECT_EQ(name, "member-a");
}

TEST(TaskGroup, CancelUnwindsMembersInPausePauseforeverAndWaitQueues) {
  bool in_pause = false, in_forever = false, in_queue = false, reached_after = false;
  copas::loop([&] {
    copas::wait_queue q;
    copas::task_group g;
    g.spawn([&] {
      unwound u{&in_pause};
      copas::pause(60);
      reached_after = true;
    });
    g.spawn([&] {
      unwound u{&in_forever};
      copas::pauseforever();
      reached_after = true;
    });
    g.spawn([&] {
      unwound u{&in_queue};
      q.wait();
      reached_after = true;
    });
    copas::pause(0.05);
    EXPECT_EQ(g.size(), 3u);
    EXPECT_FALSE(in_pause || in_forever || in_queue);
    g.cancel();
    EXPECT_TRUE(g.cancelled());
    g.wait();
    EXPECT_TRUE(q.empty());  // the cancelled waiter left the queue
  });
  EXPECT_TRUE(in_pause);
  EXPECT_TRUE(in_forever);
  EXPECT_TRUE(in_queue);
  EXPECT_FALSE(reached_after);
}

TEST(TaskGroup, WaitReturnsWithinOneRoundOfTheLastMemberEnding) {
  round_counter rc;
  long ended_at = -1, resumed_at = -1;
  copas::loop([&] {
    rc.start();
    copas::task_group g;
    g.spawn([&] {
      for (int i = 0; i < 20; ++i) copas::pause();
      ended_at = rc.rounds;
    });
    g.wait();
    resumed_at = rc.rounds;
    rc.stop = true;
  });
  ASSERT_GE(ended_at, 0);
  EXPECT_LE(resumed_at - ended_at, 1);
}

TEST(TaskGroup, CancelledWaitReturnsWithinOneRoundOfTheLastUnwind) {
  round_counter rc;
  long cancelled_at = -1, resumed_at = -1;
  copas::loop([&] {
    rc.start();
    copas::task_group g;
    for (int i = 0; i < 10; ++i) g.spawn([] { copas::pause(60); });
    copas::addthread([&] {
      copas::pause(0.02);
      cancelled_at = rc.rounds;
      g.cancel();
    });
    g.wait();
    resumed_at = rc.rounds;
    rc.stop = true;
  });
  ASSERT_GE(cancelled_at, 0);
  // The members unwind in the round after cancel(); wait() resumes in the one after at the latest.
  EXPECT_LE(resumed_at - cancelled_at, 2);
}

TEST(TaskGroup, AnExceptionCancelsTheOthersAndReachesWait) {
  bool sibling_unwound = false;
  int handler_calls = 0;
  std::string caught;
  copas::loop([&] {
    copas::seterrorhandler([&](std::exception_ptr, const copas::thread&,
                               const copas::socket_ref*) { ++handler_calls; },
                           true);
    copas::task_group g;
    g.spawn([&] {
      unwound u{&sibling_unwound};
      copas::pause(60);
    });
    g.spawn([] {
      copas::pause(0.01);
      throw std::runtime_error("member failed");
    });
    g.spawn([] {
      copas::pause(0.02);
      throw std::runtime_error("second failure, dropped");
    });
    try {
      g.wait();
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
    EXPECT_EQ(g.size(), 0u);
    EXPECT_NO_THROW(g.wait());  // rethrown once
  });
  EXPECT_EQ(caught, "member failed");
  EXPECT_TRUE(sibling_unwound);
  EXPECT_EQ(handler_calls, 0);  // collected by wait(), never reported
}

TEST(TaskGroup, KeepRunningLetsTheOthersFinishThenRethrows) {
  bool sibling_finished = false;
  std::string caught;
  copas::loop([&] {
    copas::task_group g(copas::task_group::on_error::keep_running);
    g.spawn([&] {
      copas::pause(0.05);
      sibling_finished = true;
    });
    g.spawn([] { throw std::runtime_error("early failure"); });
    try {
      g.wait();
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
  });
  EXPECT_TRUE(sibling_finished);
  EXPECT_EQ(caught, "early failure");
}

TEST(TaskGroup, DestructorCancelsAndWaits) {
  bool unwound_flag = false;
  bool after_scope_member_gone = false;
  copas::loop([&] {
    copas::thread member;
    {
      copas::task_group g;
      member = g.spawn([&] {
        unwound u{&unwound_flag};
        copas::pause(60);
      });
      copas::pause(0.01);
    }
    after_scope_member_gone = !member.alive() && unwound_flag;
  });
  EXPECT_TRUE(after_scope_member_gone);
}

TEST(TaskGroup, DestructorReportsAnExceptionNobodyCollected) {
  std::string reported;
  copas::loop([&] {
    copas::seterrorhandler([&](std::exception_ptr e, const copas::thread&,
                               const copas::socket_ref*) { reported = copas::error_message(e); },
                           true);
    copas::task_group g;
    g.spawn([] { throw std::runtime_error("never waited for"); });
    copas::pause(0.01);
  });
  EXPECT_EQ(reported, "never waited for");
}

TEST(TaskGroup, CancellingAGroupCancelsNestedGroups) {
  bool inner_a = false, inner_b = false, outer_member = false;
  copas::loop([&] {
    copas::task_group outer;
    outer.spawn([&] {
      unwound u{&outer_member};
      copas::task_group inner;
      inner.spawn([&] {
        unwound v{&inner_a};
        copas::pause(60);
      });
      inner.spawn([&] {
        unwound v{&inner_b};
        copas::task_group innermost;
        innermost.spawn([] { copas::pauseforever(); });
        innermost.wait();
      });
      inner.wait();
    });
    copas::pause(0.05);
    outer.cancel();
    outer.wait();
  });
  EXPECT_TRUE(inner_a);
  EXPECT_TRUE(inner_b);
  EXPECT_TRUE(outer_member);
}

TEST(TaskGroup, SpawningIntoACancelledGroupNeverRunsTheBody) {
  bool ran = false;
  copas::loop([&] {
    copas::task_group g;
    g.cancel();
    auto t = g.spawn([&] { ran = true; });
    g.wait();
    EXPECT_FALSE(t.alive());
  });
  EXPECT_FALSE(ran);
}

TEST(TaskGroup, AMemberMayCancelItsOwnGroup) {
  bool other = false;
  copas::loop([&] {
    copas::task_group g;
    g.spawn([&] {
      unwound u{&other};
      copas::pause(60);
    });
    g.spawn([&g] {
      copas::pause(0.01);
      g.cancel();  // takes effect for this member at its next suspension point
      copas::pause(60);
    });
    g.wait();
  });
  EXPECT_TRUE(other);
}

TEST(TaskGroup, AFiberCancelledInWaitUnwindsItsGroupThroughTheDestructor) {
  bool member = false;
  copas::loop([&] {
    auto owner = copas::addthread([&] {
      copas::task_group g;
      g.spawn([&] {
        unwound u{&member};
        copas::pause(60);
      });
      g.wait();
    });
    copas::pause(0.02);
    copas::removethread(owner);
    copas::pause(0.02);
    EXPECT_FALSE(owner.alive());
  });
  EXPECT_TRUE(member);
}

}  // namespace
