#pragma once
// copas::debug::socket: logs every call on a socket with its arguments and results, like Copas's
// debug.socket (experimental there too).
//
//   auto s = copas::debug::socket(copas::wrap(copas::tcp()));
//   s.connect("localhost", 8080);
//   // 1-calling 'connect' with;
//   //         host: 'localhost' (string #9)
//   //         port: '8080' (number)
//   // 1-results 'connect' returned;
//   //         1: '1' (number)
//
// Logged calls: connect, send, receive, receivepartial, settimeout, settimeouts, close, shutdown,
// dohandshake. Strings longer than 30 bytes are cut, with "(...truncated)". The call number is
// global. Lines go to standard output, or to `log`.

#include <copas/core/debug.hpp>
#include <copas/net/socket.hpp>

#include <copas/core/api_prefix.hpp>

namespace copas::debug {

// Turns logging on for `s` (every handle of it) and returns it.
copas::socket socket(copas::socket s, logger log = {});

}  // namespace copas::debug

#include <copas/core/api_suffix.hpp>
