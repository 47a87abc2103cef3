// Deadline scopes: with_timeout and deadline_scope bound every wait inside them.
#include <copas/core.hpp>

#include <gtest/gtest.h>

#include "structured.hpp"

#include <string>

namespace {

double since(copas::clock::time_point t) { return copas::to_seconds(copas::clock::now() - t); }

TEST(DeadlineScope, AWaitEndsAtTheScopesDeadlineWithTimeout) {
  copas::loop([] {
    copas::wait_queue q;
    auto start = copas::clock::now();
    copas::wake_reason why = copas::wake_reason::woken;
    auto r = copas::with_timeout(0.05, [&] {
      why = q.wait();  // no deadline of its own
      return 7;
    });
    EXPECT_EQ(why, copas::wake_reason::timeout);
    ASSERT_TRUE(r);  // the body handled the timeout and returned normally
    EXPECT_EQ(*r, 7);
    EXPECT_GE(since(start), 0.05);
    EXPECT_TRUE(q.empty());
  });
}

TEST(DeadlineScope, WaitingAgainAfterTheDeadlineUnwindsToTheScope) {
  bool unwound = false, after = false;
  copas::loop([&] {
    copas::wait_queue q;
    auto start = copas::clock::now();
    auto r = copas::with_timeout(0.05, [&] {
      copas::test::unwound g{&unwound};
      while (true) q.wait();  // a caller that ignores timeouts cannot outlive the deadline
      after = true;
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "timeout");
    EXPECT_EQ(r.error(), copas::errc::timeout);
    EXPECT_LT(since(start), 5.0);
  });
  EXPECT_TRUE(unwound);
  EXPECT_FALSE(after);
}

TEST(DeadlineScope, PauseReturnsEarlyAtTheDeadline) {
  copas::loop([] {
    auto start = copas::clock::now();
    copas::deadline_scope scope(0.05);
    copas::pause(30);
    EXPECT_GE(since(start), 0.05);
    EXPECT_LT(since(start), 10.0);
    EXPECT_TRUE(scope.expired());
  });
}

TEST(DeadlineScope, AShorterOwnTimeoutStillRules) {
  copas::loop([] {
    copas::wait_queue q;
    copas::deadline_scope scope(30);
    auto start = copas::clock::now();
    EXPECT_EQ(q.wait(copas::deadline_after(0.02)), copas::wake_reason::timeout);
    EXPECT_LT(since(start), 10.0);
    EXPECT_FALSE(scope.expired());  // its own deadline ended that wait, not the scope's
    EXPECT_EQ(q.wait(copas::deadline_after(0.01)), copas::wake_reason::timeout);  // may wait again
  });
}

TEST(DeadlineScope, AResultReturningBodyIsNotWrappedTwice) {
  copas::loop([] {
    auto r = copas::with_timeout(0.02, []() -> copas::result<std::string> {
      copas::wait_queue q;
      if (q.wait() == copas::wake_reason::timeout) return copas::errc::timeout;
      return std::string("woken");
    });
    static_assert(std::is_same_v<decltype(r), copas::result<std::string>>);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "timeout");
  });
}

TEST(DeadlineScope, NestedScopesTheEarlierDeadlineRules) {
  copas::loop([] {
    auto start = copas::clock::now();
    auto outer = copas::with_timeout(0.05, [&] {
      auto inner = copas::with_timeout(30, [&] {
        copas::wait_queue q;
        while (true) q.wait();
      });
      ADD_FAILURE() << "the outer deadline must unwind through the inner scope";
      return inner.has_value();
    });
    ASSERT_FALSE(outer);
    EXPECT_EQ(outer.error().message(), "timeout");
    EXPECT_LT(since(start), 10.0);

    // An inner scope that comes first ends only itself.
    bool outer_went_on = false;
    auto o2 = copas::with_timeout(30, [&] {
      auto inner = copas::with_timeout(0.02, [] {
        copas::wait_queue q;
        while (true) q.wait();
      });
      EXPECT_FALSE(inner);
      outer_went_on = true;
    });
    EXPECT_TRUE(o2);
    EXPECT_TRUE(outer_went_on);
  });
}

TEST(DeadlineScope, GroupMembersInheritTheDeadline) {
  bool member_unwound = false;
  copas::loop([&] {
    auto start = copas::clock::now();
    auto r = copas::with_timeout(0.05, [&] {
      copas::task_group g;
      g.spawn([&] {
        copas::test::unwound gd{&member_unwound};
        copas::wait_queue q;
        while (true) q.wait();
      });
      g.wait();
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "timeout");
    EXPECT_LT(since(start), 10.0);
  });
  EXPECT_TRUE(member_unwound);
}

TEST(DeadlineScope, NoScopeAfterTheScopeEnds) {
  copas::loop([] {
    (void)copas::with_timeout(0.01, [] { copas::pause(1); });
    auto start = copas::clock::now();
    copas::pause(0.05);  // a full pause again
    EXPECT_GE(since(start), 0.05);
  });
}

}  // namespace
