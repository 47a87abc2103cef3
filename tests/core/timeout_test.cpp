// copas::timeout: V16, precision, replacement, cancellation.
#include <copas/core.hpp>

#include <gtest/gtest.h>

namespace {

TEST(Timeout, NegativeDelayThrowsCopasMessage) {  // V16
  copas::loop([] {
    try {
      copas::timeout(-1);
      FAIL();
    } catch (const std::invalid_argument& e) {
      EXPECT_STREQ(e.what(), "timout value must be greater than or equal to 0, got: -1");
    }
  });
}

TEST(Timeout, FiresWithTheArmingThread) {
  copas::thread armed_by, seen;
  double at = 0;
  auto t0 = copas::clock::now();
  armed_by = copas::addthread([&] {
    EXPECT_TRUE(copas::timeout(0.1, [&](const copas::thread& t) {
      seen = t;
      at = copas::to_seconds(copas::clock::now() - t0);
    }));
    copas::pause(0.3);
  });
  copas::loop();
  EXPECT_EQ(seen, armed_by);
  EXPECT_GE(at, 0.1);
  EXPECT_LT(at, 0.15);
}

TEST(Timeout, RearmingReplacesAndZeroOrForeverCancels) {
  int first = 0, second = 0;
  copas::loop([&] {
    copas::timeout(0.05, [&](auto&) { ++first; });
    copas::timeout(0.1, [&](auto&) { ++second; });
    copas::pause(0.2);
    copas::timeout(0.05, [&](auto&) { ++first; });
    copas::timeout(0);
    copas::timeout(0.05, [&](auto&) { ++first; });
    copas::timeout(copas::forever);
    copas::pause(0.1);
  });
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
}

TEST(Timeout, CallbackMayWakeItsThread) {
  double slept = 0;
  copas::loop([&] {
    copas::timeout(0.05, [](const copas::thread& t) { copas::wakeup(t); });
    slept = copas::pauseforever();
  });
  EXPECT_GE(slept, 0.05);
  EXPECT_LT(slept, 0.1);
}

TEST(Timeout, CallbackMustNotBlock) {
  std::string msg;
  copas::seterrorhandler([&](std::exception_ptr e, auto&, auto) { msg = copas::error_message(e); },
                         true);
  copas::loop([] {
    copas::timeout(0.01, [](auto&) { copas::pause(1); });
    copas::pause(0.05);
  });
  EXPECT_EQ(msg, "copas: a timeout callback must not block or yield");
}

}  // namespace
