#pragma once
// The TLS half of a socket_impl: OpenSSL on the socket's own fd, through a BIO that sends with
// MSG_NOSIGNAL; the per-thread caches of compiled client contexts and of client sessions.

#include "socket_impl.hpp"

#include <map>
#include <memory>
#include <stdexcept>
#include <string>

typedef struct ssl_session_st SSL_SESSION;

namespace copas::detail {

// A server's contexts, compiled once by handler() or a tls_server: the default one and those
// chosen by SNI.
struct server_tls {
  std::optional<tls_context> fallback;
  std::map<std::string, tls_context> by_name;
  bool strict = false;
};
std::shared_ptr<server_tls> compile_server_tls(const ssl_params& p);

// tls_context::create could not load a certificate or key (a client reports it as
// errc::local_certificate; to everyone else it is the std::invalid_argument it always was).
struct certificate_load_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// The running thread's compiled client context for `p` (compiled on first use), and in `key`
// the string that identifies it (the session cache's key includes it). Throws as create().
tls_context client_context(const tls_params& p, std::string& key);

// The thread's client sessions by key ("host:port|context key"). An SSL that carries a key
// (set_session_key) has every session its server issues stored under it.
std::shared_ptr<SSL_SESSION> cached_session(const std::string& key);
void forget_session(const std::string& key);
void set_session_key(SSL* ssl, std::string key);
// The server sent a CertificateRequest during this SSL's handshake.
bool certificate_requested(SSL* ssl);

io_status tls_fill(socket_impl& s, error& err);
io_status tls_write(socket_impl& s, const char* p, std::size_t n, std::size_t& written, error& err);
// Sends close_notify (best effort, never waits) and frees the session.
void tls_shutdown(socket_impl& s) noexcept;
// Runs the handshake until `deadline`. Errors: errc::handshake_failed ("TLS/SSL handshake
// failed: <reason>", "...: timeout"), errc::certificate_rejected, errc::local_certificate,
// errc::invalid_argument (bad parameters, LuaSec's message). On failure the session is freed
// but the fd stays open: the caller closes it (never going on in plain text).
result<void> tls_handshake(socket_impl& s, const ssl_params* params, clock::time_point deadline);
// tls_handshake under the socket's connect timeout, closing the socket on failure; throws as
// socket::dohandshake does (std::invalid_argument for bad parameters, else system_error).
void handshake_or_throw(socket_impl& s, const ssl_params* params);

}  // namespace copas::detail
