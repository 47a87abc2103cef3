// TLS on the socket's own fd: SSL_read / SSL_write / SSL_do_handshake, whose WANT_READ and
// WANT_WRITE become the same readiness waits as plain I/O (net.md §6).
#include "address.hpp"
#include "tls_session.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>

namespace copas {

namespace detail {

namespace {

constexpr std::size_t tls_chunk = 16 * 1024;  // one TLS record

// LuaSec's error text for a failed SSL call; "closed" for a peer that went away.
std::string failure_reason(SSL* ssl, int rc, int e) {
  if (e == SSL_ERROR_ZERO_RETURN) return "closed";
  unsigned long code = 0;
  for (unsigned long c; (c = ERR_get_error()) != 0;) code = c;
  if (e == SSL_ERROR_SYSCALL) {
    if (code == 0 && (rc == 0 || errno == 0 || errno == ECONNRESET || errno == EPIPE)) return "closed";
    return "System error";
  }
  if (e == SSL_ERROR_SSL && code) {
    if (ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) return "closed";
    const char* r = ERR_reason_error_string(code);
    std::string text = r ? r : "Unknown SSL error";
    long v = SSL_get_verify_result(ssl);
    if (ERR_GET_REASON(code) == SSL_R_CERTIFICATE_VERIFY_FAILED && v != X509_V_OK)
      text += std::string(": ") + X509_verify_cert_error_string(v);
    return text;
  }
  return "Unknown SSL error";
}

[[noreturn]] void handshake_failed(socket_impl& s, const std::string& why) {
  // Never leave a socket that could go on in plain text: it is closed.
  s.close_now();
  throw system_error(error(errc::handshake_failed, "TLS/SSL handshake failed: " + why));
}

bool is_numeric(const std::string& host) { return numeric_address(host, 0).has_value(); }

}  // namespace

io_status tls_fill(socket_impl& s, error& err) {
  char* p = s.rbuf.prepare(tls_chunk);
  ERR_clear_error();
  int n = SSL_read(s.ssl, p, static_cast<int>(s.rbuf.capacity_after()));
  if (n > 0) {
    s.rbuf.commit(static_cast<std::size_t>(n));
    return io_status::done;
  }
  int e = SSL_get_error(s.ssl, n);
  if (e == SSL_ERROR_WANT_READ) return io_status::want_read;
  if (e == SSL_ERROR_WANT_WRITE) return io_status::want_write;
  auto why = failure_reason(s.ssl, n, e);
  if (why == "closed") return io_status::eof;
  err = error(errc::protocol_error, why);
  return io_status::failed;
}

io_status tls_write(socket_impl& s, const char* p, std::size_t n, std::size_t& written, error& err) {
  ERR_clear_error();
  int r = SSL_write(s.ssl, p, static_cast<int>(std::min<std::size_t>(n, 1 << 30)));
  if (r > 0) {
    written = static_cast<std::size_t>(r);
    return io_status::done;
  }
  int e = SSL_get_error(s.ssl, r);
  if (e == SSL_ERROR_WANT_READ) return io_status::want_read;
  if (e == SSL_ERROR_WANT_WRITE) return io_status::want_write;
  auto why = failure_reason(s.ssl, r, e);
  err = why == "closed" ? error(errc::closed) : error(errc::protocol_error, why);
  return io_status::failed;
}

void tls_shutdown(socket_impl& s) noexcept {
  if (!s.ssl) return;
  if (s.handshaken && s.fd >= 0 && !(SSL_get_shutdown(s.ssl) & SSL_SENT_SHUTDOWN)) {
    ERR_clear_error();
    SSL_shutdown(s.ssl);  // close_notify; not waiting for the peer's (the fd closes next)
    // Closing an fd with unread bytes (TLS 1.3 session tickets nobody read, say) makes the
    // kernel send RST, which can destroy the close_notify in flight: read them away first.
    char scrap[16 * 1024];
    for (std::size_t total = 0; total < 1024 * 1024;) {
      ssize_t n = ::recv(s.fd, scrap, sizeof scrap, MSG_DONTWAIT);
      if (n <= 0) break;
      total += static_cast<std::size_t>(n);
    }
  }
  ERR_clear_error();
  SSL_free(s.ssl);
  s.ssl = nullptr;
  s.handshaken = false;
}

void tls_handshake(socket_impl& s, const ssl_params* params) {
  if (s.closed || s.fd < 0) handshake_failed(s, "closed");
  SSL_CTX* ctx = nullptr;
  bool server;
  if (s.server_contexts) {
    ctx = s.server_contexts->fallback->native();
    server = true;
  } else {
    s.context = tls_context::create(*params->wrap);
    ctx = s.context->native();
    server = s.context->is_server();
  }
  s.ssl = SSL_new(ctx);
  SSL_set_fd(s.ssl, s.fd);
  if (server) {
    SSL_set_accept_state(s.ssl);
  } else {
    SSL_set_connect_state(s.ssl);
    std::string host = s.sni_name;
    if (host.empty() && params && params->sni)
      if (auto* n = std::get_if<std::string>(&params->sni->names)) host = *n;
    if (host.empty()) host = s.peer_host;
    bool numeric = is_numeric(host);
    if (!host.empty() && !numeric) SSL_set_tlsext_host_name(s.ssl, host.c_str());
    // LuaSec checks no host name (luasec#161); copas-cpp does whenever it verifies.
    if (s.context->verifies() && !host.empty()) {
      if (numeric) X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s.ssl), host.c_str());
      else SSL_set1_host(s.ssl, host.c_str());
    }
  }
  auto deadline = deadline_for(s.t_connect);
  wait_hold hold;  // the caller's handle may go while the handshake waits
  for (;;) {
    ERR_clear_error();
    int rc = SSL_do_handshake(s.ssl);
    if (rc == 1) {
      s.handshaken = true;
      return;
    }
    int e = SSL_get_error(s.ssl, rc);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      auto w = s.wait(e == SSL_ERROR_WANT_WRITE, deadline, hold);
      if (!w) handshake_failed(s, w.error().message());
      continue;
    }
    handshake_failed(s, failure_reason(s.ssl, rc, e));
  }
}

}  // namespace detail

namespace {
const char* no_params =
    "cannot wrap socket into a secure socket (using 'ssl.wrap()') without parameters/context";
}

socket& socket::dohandshake(std::optional<ssl_params> params) {
  if (!impl_) throw std::invalid_argument("expected a socket");
  auto& s = *impl_;
  if (s.ssl && s.handshaken) return *this;
  const ssl_params* p = params ? &*params : s.params ? &*s.params : nullptr;
  if (!s.server_contexts && (!p || !p->wrap)) throw std::invalid_argument(no_params);
  detail::tls_handshake(s, p);
  return *this;
}

result<void> socket::sni(sni_params names) {
  if (!impl_ || impl_->closed) return errc::closed;
  auto& s = *impl_;
  if (auto* host = std::get_if<std::string>(&names.names)) {
    s.sni_name = *host;
    return {};
  }
  ssl_params p;
  if (s.params) p.wrap = s.params->wrap;
  p.sni = std::move(names);
  s.server_contexts = detail::compile_server_tls(p);
  return {};
}

bool socket::is_tls() const noexcept { return impl_ && impl_->ssl && impl_->handshaken; }

result<std::string> socket::getsniname() const {
  if (!is_tls()) return error(errc::invalid_argument, "not a tls socket");
  const char* n = SSL_get_servername(impl_->ssl, TLSEXT_NAMETYPE_host_name);
  return std::string(n ? n : "");
}

result<std::string> socket::getalpn() const {
  if (!is_tls()) return error(errc::invalid_argument, "not a tls socket");
  const unsigned char* d = nullptr;
  unsigned len = 0;
  SSL_get0_alpn_selected(impl_->ssl, &d, &len);
  return std::string(reinterpret_cast<const char*>(d), len);
}

}  // namespace copas
