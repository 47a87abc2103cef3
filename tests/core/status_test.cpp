// copas::status(): basic fields and statistics (core.md §7).
#include <copas/core.hpp>

#include <gtest/gtest.h>

namespace {

TEST(Status, BasicFields) {
  copas::status_report inside;
  copas::addthread([] { copas::pause(0.2); });
  copas::addthread([] { copas::pauseforever(); });
  copas::addthread([] { copas::pause(); });
  copas::addthread([&] {
    copas::timeout(10, {});
    copas::pause();
    inside = copas::status();
    copas::timeout(0);
  });
  copas::loop();
  EXPECT_TRUE(inside.running);
  EXPECT_EQ(inside.timer, 1);
  EXPECT_EQ(inside.inactive, 1);
  EXPECT_EQ(inside.timeout, 1);
  EXPECT_EQ(inside.read, 0);
  EXPECT_EQ(inside.write, 0);
  EXPECT_GE(inside.active, 0);
  EXPECT_FALSE(inside.stats.has_value());
  EXPECT_FALSE(copas::status().running);
}

TEST(Status, StatisticsAreGatheredAndReset) {
  EXPECT_FALSE(copas::status(true).stats.has_value());  // switching on returns basic fields only
  copas::loop([] {
    for (int i = 0; i < 5; ++i) copas::pause(0.01);
  });
  auto s = copas::status();
  ASSERT_TRUE(s.stats.has_value());
  EXPECT_GT(s.stats->steps, 0);
  EXPECT_GE(s.stats->duration_max, s.stats->duration_min);
  ASSERT_TRUE(s.stats->duration_avg.has_value());
  EXPECT_GE(s.stats->time_end, s.stats->time_start);
  EXPECT_NEAR(s.stats->time_tot, s.stats->time_end - s.stats->time_start, 0.002);
  // Reset by the previous call: nothing measured since.
  EXPECT_FALSE(copas::status().stats.has_value());
  copas::status(false);
  copas::loop([] { copas::pause(0.01); });
  EXPECT_FALSE(copas::status().stats.has_value());
}

TEST(Status, GettimeIsWallClock) {
  double now = copas::gettime();
  EXPECT_GT(now, 1.7e9);  // after 2023
  EXPECT_STREQ(copas::VERSION, "Copas 4.11.0");
}

}  // namespace
