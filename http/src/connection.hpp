#pragma once
// Private: getting a connected (and, for https, handshaken) socket for a request, fresh or from
// the keep-alive pool.

#include "target.hpp"

#include <copas/http/request.hpp>

#include <optional>
#include <string>

namespace copas::http::detail {

struct connection {
  socket sock;
  std::string key;        // pool key
  std::string peer_host;  // who the socket talks to (the proxy when there is one)
  std::uint16_t peer_port = 0;
  bool reused = false;
  // Filled once connected, only for an observer (they cost two system calls): what event
  // reports as remote_* and local_*.
  endpoint remote, local;
};

// Takes c.sock's addresses into c.remote and c.local when params.observer will tell them.
inline void learn_addresses(const request_params& p, connection& c) {
  if (!p.observer) return;
  if (auto e = c.sock.getpeername()) c.remote = std::move(*e);
  if (auto e = c.sock.getsockname()) c.local = std::move(*e);
}

// Tells params.observer what is happening (no-op without one).
inline void tell(const request_params& p, phase what, const connection* c,
                 std::string_view detail = {}, const headers* fields = nullptr,
                 const headers* received = nullptr) {
  if (p.observer)
    p.observer(event{.what = what,
                     .host = c ? std::string_view(c->peer_host) : std::string_view(),
                     .port = c ? c->peer_port : std::uint16_t{0},
                     .detail = detail,
                     .reused = c && c->reused,
                     .fields = fields,
                     .received = received,
                     .remote_ip = c ? std::string_view(c->remote.ip) : std::string_view(),
                     .local_ip = c ? std::string_view(c->local.ip) : std::string_view(),
                     .remote_port = c ? c->remote.port : std::uint16_t{0},
                     .local_port = c ? c->local.port : std::uint16_t{0},
                     .resolved_at = c ? c->sock.resolved_at() : clock::time_point{}});
}

// A connection for `t`: a pooled one when allowed, else a new one -- connected to the proxy or
// the server, tunnelled with CONNECT for https through a proxy, then TLS for https.
result<connection> open(const request_params& p, const target& t, const std::optional<proxy>& px,
                        bool allow_reuse);

}  // namespace copas::http::detail
