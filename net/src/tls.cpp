// TLS on the socket's own fd: SSL_read / SSL_write / SSL_do_handshake, whose WANT_READ and
// WANT_WRITE become the same readiness waits as plain I/O (net.md §6), through a BIO of ours.
#include "address.hpp"
#include "tls_session.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <stdexcept>

namespace copas {

namespace detail {

namespace {

constexpr std::size_t tls_chunk = 16 * 1024;  // one TLS record

// ---- the socket BIO ------------------------------------------------------------------------
// OpenSSL's own socket BIO writes with write(): a peer that reset the connection would raise
// SIGPIPE, and a library must not change the process's signal dispositions to prevent that.
// This one sends with MSG_NOSIGNAL, and its reads keep the plain path's `drained` rule (no
// recv() that can only say EAGAIN before an edge came).

socket_impl& owner(BIO* b) { return *static_cast<socket_impl*>(BIO_get_data(b)); }

int bio_read(BIO* b, char* out, int len) {
  auto& s = owner(b);
  BIO_clear_retry_flags(b);
  if (s.watch.drained()) {
    BIO_set_retry_read(b);
    return -1;
  }
  ssize_t n;
  do n = ::recv(s.fd, out, static_cast<std::size_t>(len), 0);
  while (n < 0 && errno == EINTR);
  if (n > 0) {
    // A TCP recv() returns everything queued: a short one emptied the queue; the next arrival
    // brings an edge (see fd_watch::drained).
    if (n < len && !s.watch.peer_closed()) s.watch.set_drained(true);
    return static_cast<int>(n);
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    s.watch.set_drained(true);
    BIO_set_retry_read(b);
  }
  return static_cast<int>(n);
}

int bio_write(BIO* b, const char* in, int len) {
  auto& s = owner(b);
  BIO_clear_retry_flags(b);
  ssize_t n;
  do n = ::send(s.fd, in, static_cast<std::size_t>(len), MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) BIO_set_retry_write(b);
  return static_cast<int>(n);
}

long bio_ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

int bio_create(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

BIO_METHOD* socket_bio() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "copas socket");
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_ctrl(m, bio_ctrl);
    BIO_meth_set_create(m, bio_create);
    return m;
  }();
  return method;
}

// ---- failures ------------------------------------------------------------------------------

// What a failed SSL call means: its LuaSec text ("closed" for a peer that went away) and, if it
// was an alert from the peer, its OpenSSL reason code.
struct failure {
  std::string text;
  int reason = 0;
  bool closed() const { return text == "closed"; }
};

failure failure_of(SSL* ssl, int rc, int e) {
  if (e == SSL_ERROR_ZERO_RETURN) return {"closed"};
  unsigned long code = 0;
  for (unsigned long c; (c = ERR_get_error()) != 0;) code = c;
  if (e == SSL_ERROR_SYSCALL) {
    if (code == 0 && (rc == 0 || errno == 0 || errno == ECONNRESET || errno == EPIPE))
      return {"closed"};
    return {"System error"};
  }
  if (e == SSL_ERROR_SSL && code) {
    int reason = ERR_GET_REASON(code);
    if (reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) return {"closed"};
    const char* r = ERR_reason_error_string(code);
    std::string text = r ? r : "Unknown SSL error";
    long v = SSL_get_verify_result(ssl);
    if (reason == SSL_R_CERTIFICATE_VERIFY_FAILED && v != X509_V_OK)
      text += std::string(": ") + X509_verify_cert_error_string(v);
    return {text, reason};
  }
  return {"Unknown SSL error"};
}

// The peer refused this client's certificate, or wanted one it did not get: an alert about a
// certificate, or any fatal alert after the server asked for one (TLS 1.2 servers answer a
// missing certificate with handshake_failure).
bool certificate_refused(SSL* ssl, const failure& f) {
  if (SSL_is_server(ssl)) return false;
  switch (f.reason) {
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN: return true;
    default: break;
  }
  // Alerts received are reported as SSL_AD_REASON_OFFSET + the alert's number.
  bool alert = f.reason >= SSL_AD_REASON_OFFSET && f.reason < SSL_AD_REASON_OFFSET + 256;
  return alert && certificate_requested(ssl);
}

error handshake_error(SSL* ssl, const failure& f) {
  std::string text = "TLS/SSL handshake failed: " + f.text;
  if (ssl && certificate_refused(ssl, f)) return error(errc::certificate_rejected, std::move(text));
  return error(errc::handshake_failed, std::move(text));
}

bool is_numeric(const std::string& host) { return numeric_address(host, 0).has_value(); }

// The port the socket is connected to (0 if unknown): half of the session cache's key.
std::uint16_t peer_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in&>(ss).sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6&>(ss).sin6_port);
  return 0;
}

std::string context_address(const tls_context& c) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "ctx@%p", static_cast<const void*>(c.native()));
  return buf;
}

// Nothing for SSL_read to do but end in WANT_READ: the kernel's queue is known empty (the BIO's
// `drained` rule), OpenSSL holds no bytes of a record (read ahead) nor a decrypted one, and the
// session is neither in a handshake (nor failed: that leaves it "in init") nor shut down by the
// peer. Each SSL_read that finds nothing costs a record buffer's malloc and free
// (RELEASE_BUFFERS) and a pass through OpenSSL; an echo loop would make two per message.
bool nothing_to_read(SSL* ssl, const fd_watch& watch) {
  return watch.drained() && !SSL_has_pending(ssl) && !SSL_in_init(ssl) &&
         !(SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN);
}

// SSL_get_error needs an empty error queue before the call it explains; ERR_clear_error wipes
// every slot of the queue, ERR_peek_error only looks whether there is anything to wipe.
void clear_errors() {
  if (ERR_peek_error() != 0) ERR_clear_error();
}

}  // namespace

io_status tls_fill(socket_impl& s, error& err) {
  if (nothing_to_read(s.ssl, s.watch)) return io_status::want_read;
  char* p = s.rbuf.prepare(tls_chunk);
  clear_errors();
  int n = SSL_read(s.ssl, p, static_cast<int>(s.rbuf.capacity_after()));
  if (n > 0) {
    s.rbuf.commit(static_cast<std::size_t>(n));
    return io_status::done;
  }
  int e = SSL_get_error(s.ssl, n);
  if (e == SSL_ERROR_WANT_READ) return io_status::want_read;
  if (e == SSL_ERROR_WANT_WRITE) return io_status::want_write;
  auto f = failure_of(s.ssl, n, e);
  if (f.closed()) return io_status::eof;
  // TLS 1.3: a server's verdict on the client's certificate comes after the client's handshake.
  err = certificate_refused(s.ssl, f) ? error(errc::certificate_rejected, f.text)
                                      : error(errc::protocol_error, f.text);
  return io_status::failed;
}

io_status tls_write(socket_impl& s, const char* p, std::size_t n, std::size_t& written,
                    error& err) {
  clear_errors();
  int r = SSL_write(s.ssl, p, static_cast<int>(std::min<std::size_t>(n, 1 << 30)));
  if (r > 0) {
    written = static_cast<std::size_t>(r);
    return io_status::done;
  }
  int e = SSL_get_error(s.ssl, r);
  if (e == SSL_ERROR_WANT_READ) return io_status::want_read;
  if (e == SSL_ERROR_WANT_WRITE) return io_status::want_write;
  auto f = failure_of(s.ssl, r, e);
  err = f.closed() ? error(errc::closed) : error(errc::protocol_error, f.text);
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

result<void> tls_handshake(socket_impl& s, const ssl_params* params, clock::time_point deadline) {
  if (s.closed || s.fd < 0)
    return error(errc::handshake_failed, "TLS/SSL handshake failed: closed");
  if (s.ssl) tls_shutdown(s);  // a session that failed or was never finished
  SSL_CTX* ctx = nullptr;
  bool server = false;
  std::string context_key;
  if (s.server_contexts) {
    ctx = s.server_contexts->fallback->native();
    server = true;
  } else {
    try {
      if (params->context) {
        s.context = *params->context;
        context_key = context_address(*s.context);
      } else {
        s.context = client_context(*params->wrap, context_key);
      }
    } catch (const certificate_load_error& e) {
      return error(errc::local_certificate, e.what());
    } catch (const std::invalid_argument& e) {
      return error(errc::invalid_argument, e.what());
    }
    ctx = s.context->native();
    server = s.context->is_server();
  }
  s.ssl = SSL_new(ctx);
  if (!s.ssl) return error(errc::handshake_failed, "TLS/SSL handshake failed: out of memory");
  BIO* bio = BIO_new(socket_bio());
  BIO_set_data(bio, &s);
  SSL_set_bio(s.ssl, bio, bio);
  std::string session_key;
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
      if (numeric)
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s.ssl), host.c_str());
      else
        SSL_set1_host(s.ssl, host.c_str());
    }
    // Resumption: a session this thread got from the same host and port with the same context.
    session_key = host + ":" + std::to_string(peer_port(s.fd)) + "|" + context_key;
    if (auto session = cached_session(session_key)) SSL_set_session(s.ssl, session.get());
    set_session_key(s.ssl, session_key);
  }
  wait_hold hold;  // the caller's handle may go while the handshake waits
  for (;;) {
    ERR_clear_error();
    int rc = SSL_do_handshake(s.ssl);
    if (rc == 1) {
      s.handshaken = true;
      return {};
    }
    int e = SSL_get_error(s.ssl, rc);
    error failed;
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      auto w = s.wait(e == SSL_ERROR_WANT_WRITE, deadline, hold);
      if (w) continue;
      failed = error(errc::handshake_failed, "TLS/SSL handshake failed: " + w.error().message());
    } else {
      failed = handshake_error(s.ssl, failure_of(s.ssl, rc, e));
    }
    if (!session_key.empty()) forget_session(session_key);  // it may be what the server refused
    SSL_free(s.ssl);
    s.ssl = nullptr;
    return failed;
  }
}

}  // namespace detail

namespace {
// Never leave a socket that could go on in plain text: a failed handshake closes it.
result<void> handshake_closing(detail::socket_impl& s, const ssl_params* p) {
  auto ok = detail::tls_handshake(s, p, detail::deadline_for(s.t_connect));
  if (!ok && ok.error() != errc::invalid_argument) s.close_now();
  return ok;
}

void throw_if_failed(const result<void>& ok) {
  if (ok) return;
  if (ok.error() == errc::invalid_argument) throw std::invalid_argument(ok.error().message());
  throw system_error(ok.error());
}

const char* no_params =
    "cannot wrap socket into a secure socket (using 'ssl.wrap()') without parameters/context";
}  // namespace

result<void> socket::handshake(std::optional<ssl_params> params) {
  if (!impl_) return error(errc::invalid_argument, "expected a socket");
  auto& s = *impl_;
  if (s.ssl && s.handshaken) return {};
  const ssl_params* p = params ? &*params : s.params ? &*s.params : nullptr;
  if (!s.server_contexts && (!p || (!p->wrap && !p->context)))
    return error(errc::invalid_argument, no_params);
  return handshake_closing(s, p);
}

socket& socket::dohandshake(std::optional<ssl_params> params) {
  throw_if_failed(handshake(std::move(params)));
  return *this;
}

void detail::handshake_or_throw(socket_impl& s, const ssl_params* params) {
  throw_if_failed(handshake_closing(s, params));
}

bool socket::session_reused() const noexcept {
  return is_tls() && SSL_session_reused(impl_->ssl) == 1;
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
