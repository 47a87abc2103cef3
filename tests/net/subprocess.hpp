#pragma once
// The net tests' child process: a background_child (tests/support) whose stdin and stdout are
// the socket `io`, for openssl s_server / s_client and the Python UDP peer.

#include "child_process.hpp"

#include <string>
#include <vector>

namespace copas::test {

struct subprocess : background_child {
  explicit subprocess(const std::vector<std::string>& argv)
      : background_child(argv, child_stdio::socket) {}
};

}  // namespace copas::test
