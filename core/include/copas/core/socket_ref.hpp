#pragma once
// What the core needs to know of a socket: its name, for error handlers, tracebacks and debug
// logs, and whether a read waits mid-message. The net module's sockets implement it; the core
// knows nothing else of sockets.

#include <string>

#include <copas/core/api_prefix.hpp>

namespace copas {

class socket_ref {
 public:
  virtual ~socket_ref() = default;
  // Copas's getsocketname(): a given name, or "tcp{client}: 0x<address>"-like.
  virtual std::string socket_name() const = 0;
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
