#pragma once
// copas::http::pool: the keep-alive connections request() reuses, one pool per dispatcher
// (OS thread). Keyed by scheme, host, port, proxy and TLS settings. A connection goes back only
// after a complete response the server did not mark "connection: close"; a pooled connection
// the server closed meanwhile is noticed before reuse and dropped, and a request that still
// fails on a reused connection before any response byte arrives is retried once on a new one
// (requests with a source are not retried).

#include <copas/net/socket.hpp>

#include <cstddef>
#include <optional>
#include <string>

#include <copas/core/api_prefix.hpp>

namespace copas::http::pool {

struct options {
  std::size_t max_idle_per_key = 16;  // more idle connections to one server are closed
  double idle_timeout = 30;           // seconds an idle connection is kept
};

// This thread's settings (they apply from the next put()).
void configure(const options& o);
// Closes every idle connection of this thread's pool.
void clear();
// Idle connections held (all keys).
std::size_t idle();
// Connections opened / reused by request() on this thread since it started (for tests and
// benchmarks).
std::size_t opened();
std::size_t reused();

// Used by request(): an idle connection for `key` or std::nullopt, and the way back.
std::optional<socket> take(const std::string& key);
void put(const std::string& key, socket s);
void count_open();

}  // namespace copas::http::pool

#include <copas/core/api_suffix.hpp>
