#pragma once
// Loopback ports for tests that start real servers: one the kernel says is free, and a wait for
// a server to accept on one.
#include <cstdint>

namespace copas::test {

// A free loopback port picked by the kernel, reserved until this process exits: a socket stays
// bound to it with SO_REUSEADDR, not listening. Tests run in parallel, each in its own process;
// a port picked and released could be picked again, or taken by a bind(0) or an outgoing
// connection, before the server meant for it starts. A real server then fails to bind while
// another test's server answers on the port, and the test talks to the wrong peer. The kernel
// hands out no port a socket is bound to (bind(0) and connect() skip it), while a server that
// binds it explicitly with SO_REUSEADDR, as every server the tests start does, gets it. Every
// call returns a different port.
std::uint16_t pick_port();
// A plain blocking socket connected to 127.0.0.1:port (no fibers), or -1. The caller closes it.
int connect_blocking(std::uint16_t port);
// True when 127.0.0.1:port accepts a connection now (the connection is closed at once).
bool accepts(std::uint16_t port);
// Blocks (no fibers) until 127.0.0.1:port accepts, up to `seconds`. Returns success.
bool wait_for_port(std::uint16_t port, double seconds = 10);

}  // namespace copas::test
