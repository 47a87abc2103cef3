#pragma once
// Raw-socket clients for the server and proxy tests.
#include <gtest/gtest.h>
#include <copas/net.hpp>

#include <string>

namespace copas::test {

// A connected client socket (10 s timeouts).
inline socket dial(std::uint16_t port) {
  auto c = wrap(tcp());
  c.settimeout(10);
  EXPECT_TRUE(c.connect("127.0.0.1", port));
  return c;
}

// Everything the peer sends until it closes the connection.
inline std::string until_close(socket& c) {
  auto r = c.receive(all);
  return r ? *r : r.partial();
}

}  // namespace copas::test
