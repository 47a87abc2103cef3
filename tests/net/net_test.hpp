#pragma once
// Shared bits of the net tests: a fixture that proves no fd is left open, a stopwatch, and a
// loopback listener on a free port.

#include <gtest/gtest.h>
#include <copas/core.hpp>
#include <copas/net.hpp>
#include <fd_count.hpp>

#include <chrono>
#include <cstdint>

namespace copas::test {

class NetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    copas::dispatcher::current();  // its own fds (epoll, wake-up pipe) are not the test's
    fds_ = open_fd_count();
  }
  void TearDown() override { EXPECT_EQ(open_fd_count(), fds_) << "file descriptors leaked"; }

 private:
  std::size_t fds_ = 0;
};

inline std::uint16_t port_of(const copas::socket& s) { return s.getsockname().value().port; }

// A listener on 127.0.0.1 (or ::1) with a free port.
inline copas::socket listener(const char* host = "127.0.0.1", int backlog = 32) {
  return copas::bind(host, 0, backlog).value();
}

struct stopwatch {
  copas::clock::time_point start = copas::clock::now();
  double elapsed() const { return copas::to_seconds(copas::clock::now() - start); }
};

}  // namespace copas::test
