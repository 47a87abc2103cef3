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
  // True while a read waits for the rest of what the peer has begun to send (its last read
  // returned data and no socket of the thread sent anything since): the rest usually follows
  // within microseconds, so the loop polls for it briefly before it sleeps
  // (dispatcher_options::spin_before_block).
  virtual bool awaits_rest() const noexcept { return false; }
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
