#pragma once
// copas::serve_threads: N dispatchers, one per OS thread, accepting on one address.
//
//   auto ok = copas::serve_threads({.host = "127.0.0.1", .port = 8080, .threads = 4},
//       [&](copas::socket listener, unsigned) { copas::addserver(listener, handle); });
//
// Each thread gets its own listening socket on the same address (SO_REUSEPORT: the kernel
// spreads new connections over them), as nginx's worker_processes do; a connection stays on the
// thread that accepted it. All listeners are bound before any thread starts, so an address that
// cannot be bound fails the call as a whole ("address already in use"), and nothing runs. One
// thread goes without SO_REUSEPORT: the option would let any process of this user bind the port.
//
// Each thread, the calling one first, calls `start(listener, index)` and then copas::loop();
// serve_threads returns once every loop has ended (the caller's `start` arranges how: a
// removeserver when a stop flag is raised, say).

#include <copas/core/error.hpp>
#include <copas/net/socket.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include <copas/core/api_prefix.hpp>

namespace copas {

struct listen_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the kernel picks one, shared by every thread
  unsigned threads = 1;
  int backlog = 4096;
};

// `on_listening(port)` is called once all listeners are bound, before any thread starts.
result<void> serve_threads(const listen_options& options,
                           const std::function<void(socket listener, unsigned index)>& start,
                           const std::function<void(std::uint16_t port)>& on_listening = {});

}  // namespace copas

#include <copas/core/api_suffix.hpp>
