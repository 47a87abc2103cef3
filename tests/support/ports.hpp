#pragma once
// Loopback ports for tests that start real servers: one the kernel says is free, and a wait for
// a server to accept on one.
#include <cstdint>

namespace copas::test {

// A free loopback port picked by the kernel (bound with plain sockets, then released).
std::uint16_t pick_port();
// A plain blocking socket connected to 127.0.0.1:port (no fibers), or -1. The caller closes it.
int connect_blocking(std::uint16_t port);
// True when 127.0.0.1:port accepts a connection now (the connection is closed at once).
bool accepts(std::uint16_t port);
// Blocks (no fibers) until 127.0.0.1:port accepts, up to `seconds`. Returns success.
bool wait_for_port(std::uint16_t port, double seconds = 10);

}  // namespace copas::test
