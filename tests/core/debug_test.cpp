// copas::debug::start/stop (core.md §8).
#include <copas/core.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

using testing::Contains;
using testing::HasSubstr;

namespace {

TEST(Debug, LogsYieldsResumesAndExits) {
  std::vector<std::string> lines;
  copas::debug::start([&](std::string_view l) { lines.emplace_back(l); });
  copas::addnamedthread("sleepy", [] { copas::pause(0.01); });
  copas::loop();
  copas::debug::stop();
  EXPECT_THAT(lines, Contains(HasSubstr("yielding 'sleepy' to SLEEP for 0.01")));
  EXPECT_THAT(lines, Contains("resuming 'sleepy'"));
  EXPECT_THAT(lines, Contains("exiting 'sleepy'"));
  auto count = lines.size();
  copas::addnamedthread("quiet", [] { copas::pause(0.01); });
  copas::loop();
  EXPECT_EQ(lines.size(), count);  // stopped
}

TEST(Debug, DefaultLoggerPrints) {
  testing::internal::CaptureStdout();
  copas::debug::start();
  copas::addnamedthread("printed", [] { copas::pause(0.001); });
  copas::loop();
  copas::debug::stop();
  EXPECT_THAT(testing::internal::GetCapturedStdout(), HasSubstr("resuming 'printed'"));
}

}  // namespace
