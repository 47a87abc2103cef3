#pragma once
// The TLS half of a socket_impl: OpenSSL on the socket's own fd.

#include "socket_impl.hpp"

#include <map>
#include <memory>
#include <string>

namespace copas::detail {

// A server's contexts, compiled once by handler(): the default one and those chosen by SNI.
struct server_tls {
  std::optional<tls_context> fallback;
  std::map<std::string, tls_context> by_name;
  bool strict = false;
};
std::shared_ptr<server_tls> compile_server_tls(const ssl_params& p);

io_status tls_fill(socket_impl& s, error& err);
io_status tls_write(socket_impl& s, const char* p, std::size_t n, std::size_t& written, error& err);
// Sends close_notify (best effort, never waits) and frees the session.
void tls_shutdown(socket_impl& s) noexcept;
// Runs the handshake within the connect timeout; throws "TLS/SSL handshake failed: ...".
void tls_handshake(socket_impl& s, const ssl_params* params);

}  // namespace copas::detail
