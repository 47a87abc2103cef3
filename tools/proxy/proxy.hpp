#pragma once
// copas-proxy's two modes, each a connection handler for copas::addserver.

#include <copas/net/socket.hpp>

#include <cstdint>
#include <string>

namespace copas::proxy {

struct settings {
  double idle_timeout = 60;  // seconds any one read or write may wait
};

// Copies bytes both ways until either side closes, then closes both. `first` is sent to `b`
// before anything else (bytes the caller already read from `a`).
void relay(socket a, socket b, const settings& s, std::string first = {});

// Plain TCP relay to host:port.
void relay_to(socket client, const std::string& host, std::uint16_t port, const settings& s);

// HTTP/1.1 forward proxy on one client connection: absolute-form requests forwarded with
// keep-alive on both sides, CONNECT tunnels, hop-by-hop headers dropped (RFC 9110 7.6.1), 400
// for malformed requests, 502 with a reason when the upstream fails.
void forward(socket client, const settings& s);

}  // namespace copas::proxy
