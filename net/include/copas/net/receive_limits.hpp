#pragma once
// How much one receive() may accumulate: bad input gets a clear error and loses nothing.
//
//   sock.set_receive_limits({.line = 8192});                 // "*l" lines up to 8 KiB
//   auto r = sock.receive();
//   if (!r && r.error() == std::errc::message_size)   // "line too long"
//     log(r.partial());                                      // the first 8192 bytes of the line
//
// A line ("*l") may hold at most `line` bytes (the prefix included, the dropped CRs not counted);
// "*a" at most `all` bytes. Past that, receive() and receivepartial() return the error
// "line too long" (resp. "data too long"), code std::errc::message_size, with exactly the limit's
// worth of data as the partial; every byte after it stays readable by the next call (the rest of
// the line, for instance, comes back from the next receive()). A prefix already longer than the
// limit fails at once, nothing read. Do not pass that partial back as the prefix: it is the limit.
// A byte count bounds itself and is not limited; nor is UDP (one datagram of the size asked).
//
// Defaults: 1 MiB per line (a line is a protocol unit; nothing legitimate is that long), "*a"
// unbounded as in LuaSocket (it reads a whole stream, whose size only the caller knows).
// Accepted sockets start with their listener's limits, as they do with its timeouts.

#include <cstddef>
#include <optional>

#include <copas/core/api_prefix.hpp>

namespace copas {

struct receive_limits {
  std::size_t line = 1024 * 1024;
  std::optional<std::size_t> all;  // nullopt: unbounded
  friend bool operator==(const receive_limits&, const receive_limits&) = default;
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
