// The main() of every test binary: GoogleTest, with death tests run in threadsafe style
// (re-executing the binary) because fibers and signal handlers do not survive a plain fork well.
#include <gtest/gtest.h>

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  return RUN_ALL_TESTS();
}
