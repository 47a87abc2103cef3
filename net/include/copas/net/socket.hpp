#pragma once
// copas::socket: a TCP or UDP socket whose blocking calls block only the calling fiber.
//
//   auto s = copas::wrap(copas::tcp());
//   s.settimeout(5);
//   if (auto ok = s.connect("localhost", 8080); !ok) return ok.error();
//   s.send("hello\n");
//   auto line = s.receive();               // copas::line by default
//
// A socket is a shared handle (copying it copies the reference, like a Lua value); the fd is
// closed by close() or when the last handle goes. Every call runs on the dispatcher of the
// thread that created the socket, and the waiting calls (connect, send, receive*, dohandshake)
// only inside a fiber.
//
// Errors are Copas's strings: "timeout", "closed", "connection refused",
// "already connected", "address already in use", "permission denied", strerror texts.
//
// Timeouts: each socket has a connect, a send and a receive timeout, none by default.
// A timeout > 0 is a deadline for the whole call; 0, negative and copas::forever wait forever
// (and a receive timeout of exactly 0 turns receive() into receivepartial(), as in Copas).
//
// One fiber at a time may wait per socket and direction: a second reader (or writer) gets
// "Operation already in progress" at once (post-4.11 Copas). close() wakes the waiters, whose
// calls then return "closed".

#include <copas/core/error.hpp>
#include <copas/core/time.hpp>
#include <copas/net/io_result.hpp>
#include <copas/net/receive_limits.hpp>
#include <copas/net/receive_pattern.hpp>
#include <copas/net/ssl_params.hpp>

#include <chrono>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <copas/core/api_prefix.hpp>

namespace copas {

namespace detail {
struct socket_impl;
}

// An address as LuaSocket returns it: numeric ip, port, and "inet" or "inet6".
struct endpoint {
  std::string ip;
  std::uint16_t port = 0;
  std::string family;
};

// One UDP datagram from receivefrom().
struct datagram {
  std::string data;
  std::string ip;
  std::uint16_t port = 0;
};

// LuaSocket's linger option value: {on = bool, timeout = seconds}.
struct linger_option {
  bool on = false;
  int timeout = 0;
  friend bool operator==(const linger_option&, const linger_option&) = default;
};
using option_value = std::variant<bool, int, linger_option>;

class socket {
 public:
  enum class type { tcp, udp };

  socket() = default;  // an empty handle; every call on it returns "closed"
  // A handle on `impl`. The handles of one socket share one count: when the last goes, the
  // socket closes (a fiber waiting on it wakes with "closed"); a call in progress keeps the
  // state alive until it returns.
  explicit socket(const std::shared_ptr<detail::socket_impl>& impl);

  explicit operator bool() const noexcept { return static_cast<bool>(impl_); }
  // Identity: two handles are equal when they are handles on one socket. The order (by
  // identity, stable for the socket's life) lets handles be kept in a std::set or std::map, as a
  // server keeps the connections it will close on shutdown; std::hash<copas::socket> serves the
  // unordered containers.
  friend bool operator==(const socket& a, const socket& b) noexcept { return a.impl_ == b.impl_; }
  friend std::strong_ordering operator<=>(const socket& a, const socket& b) noexcept {
    return a.impl_ <=> b.impl_;
  }

  // ---- connecting (TCP) -------------------------------------------------------------------
  // Resolves `host` without blocking the thread (dns.hpp), then connects, trying each address
  // in turn, with the connect timeout. "already connected" on a connected socket. On a socket
  // wrapped with TLS parameters, then sends SNI and handshakes: a failed handshake throws
  // copas::system_error "TLS/SSL handshake failed: <reason>" (never continues in plain text).
  result<void> connect(std::string_view host, std::uint16_t port);
  // When the last connect() had its host's addresses (its name lookup ended; at once for a
  // numeric host), for timing a connection as curl's time_namelookup does. time_point{} before
  // any connect() got that far.
  clock::time_point resolved_at() const noexcept;

  // ---- data -------------------------------------------------------------------------------
  // TCP: sends data[i..j] (1-based, inclusive; negative counts from the end; clamped), waiting
  // while the socket is not writable. UDP: sends the whole datagram to the peer (i, j ignored).
  send_result send(std::string_view data, std::int64_t i = 1, std::int64_t j = -1);

  // TCP: reads per the pattern (receive_pattern.hpp); `prefix` is prepended (a count includes
  // it). Errors carry everything read so far, the prefix included. UDP: one datagram,
  // truncated to a count pattern (default 8192 bytes).
  receive_result receive(receive_pattern pattern = line, std::string prefix = {});
  // Lines and "*a" are bounded (receive_limits.hpp): past the limit, "line too long" or
  // "data too long" with the limit's worth of data as the partial, the rest left unread.
  // As receive, but also returns, with the raw error ("timeout", or "wantread" on TLS) and the
  // data, as soon as any data beyond the prefix arrived. receivepartial(copas::all) streams.
  receive_result receivepartial(receive_pattern pattern = line, std::string prefix = {});

  // Reading in place (TCP and TLS alike), for a protocol parser that frames the stream itself
  // (http::reader, tp) without copying it out first:
  //   auto v = s.buffered_or_fill();        // the bytes received and not yet consumed
  //   ... parse v; s.consume(bytes_used);   // v is valid until the socket's next read
  // The view stays valid until the next call that reads from or consumes this socket's buffer
  // (receive, receivepartial, buffered_or_fill, consume, dohandshake) or until its last handle
  // goes. A send() on this socket or another, however long it waits, and close() leave it in
  // place: an echo or a relay sends straight from it, then consumes what it sent.
  // With `more` false, returns the buffered bytes if there are any; else (or with `more`) waits,
  // within the receive timeout, for at least one more byte, then returns everything buffered.
  // Errors as receive(): "closed", "timeout" (or the raw one, see usesockettimeouterrors),
  // "Operation already in progress". The view is bounded: asking for more while it already
  // holds max_buffered() bytes fails with "data too long" (std::errc::message_size), nothing
  // lost. The bytes are the ones receive() would read next: both interfaces can be mixed.
  result<std::string_view> buffered_or_fill(bool more = false);
  void consume(std::size_t n);
  // The bytes buffered now, without reading (empty on a closed or UDP socket).
  std::string_view buffered() const noexcept;
  // The bound of buffered_or_fill(): the larger of the line limit and one socket read (64 KiB).
  std::size_t max_buffered() const;

  // UDP: one datagram with its sender.
  result<datagram> receivefrom(std::size_t size = 8192);
  // UDP: sends a datagram to a numeric address (no DNS, never waits). Returns the bytes sent.
  result<std::size_t> sendto(std::string_view data, std::string_view ip, std::uint16_t port);
  // UDP: fixes the peer ("*" removes it) / binds the local address.
  result<void> setpeername(std::string_view host, std::uint16_t port);
  result<void> setsockname(std::string_view host, std::uint16_t port);

  // The bounds on one line / one "*a" receive (receive_limits.hpp). Default: 1 MiB per line,
  // "*a" unbounded.
  void set_receive_limits(receive_limits limits);
  receive_limits get_receive_limits() const;

  // ---- timeouts ---------------------------------------------------------------------------
  // All three; std::nullopt (or negative, or copas::forever) = wait forever. Returns true.
  bool settimeout(std::optional<double> seconds);
  template <class Rep, class Period>
  bool settimeout(std::chrono::duration<Rep, Period> d) {
    return settimeout(std::chrono::duration<double>(d).count());
  }
  // Each one; std::nullopt leaves that one unchanged; negative = wait forever. Returns true.
  bool settimeouts(std::optional<double> connect, std::optional<double> send,
                   std::optional<double> receive);
  struct timeouts {
    std::optional<double> connect, send, receive;  // nullopt: forever
  };
  timeouts gettimeouts() const;

  // ---- lifecycle --------------------------------------------------------------------------
  // Closes the socket: TLS sends close_notify, waiting fibers wake with "closed", later calls
  // return "closed". A wrapped UDP socket is not closed (Copas: a UDP socket is also its own
  // server's socket); the call returns success and the fd goes with the last handle.
  result<void> close();
  // "both" (default), "send" or "receive".
  result<void> shutdown(std::string_view how = "both");
  void flush() const noexcept {}  // deprecated no-op, as in Copas

  result<endpoint> getpeername() const;
  result<endpoint> getsockname() const;

  // LuaSocket options: "keepalive", "reuseaddr", "reuseport", "tcp-nodelay", "tcp-keepidle",
  // "tcp-keepcnt", "tcp-keepintvl", "linger", "ipv6-v6only", "broadcast", "dontroute",
  // "ip-multicast-ttl", "ip-multicast-loop", "recv-buffer-size", "send-buffer-size".
  // Unknown: "unsupported option '<name>'".
  result<void> setoption(std::string_view name, option_value value);
  result<option_value> getoption(std::string_view name) const;

  // ---- servers (raw pass-through, no waiting) ----------------------------------------------
  result<void> bind(std::string_view host, std::uint16_t port);
  result<void> listen(int backlog = 32);
  // One accept() on a non-blocking listener: "timeout" when none is pending.
  result<socket> accept();
  // Waits for a connection until `deadline` (time_point::max(): forever): "timeout" when none
  // came by then, "closed" when the listener is closed (or its last handle dropped) meanwhile.
  result<socket> accept(clock::time_point deadline);

  // ---- TLS --------------------------------------------------------------------------------
  // Handshakes with `params` (default: the ones given to wrap) within the connect timeout.
  // Throws std::invalid_argument without parameters ("cannot wrap socket into a secure socket
  // (using 'ssl.wrap()') without parameters/context") and copas::system_error
  // "TLS/SSL handshake failed: <reason>" on failure or timeout.
  socket& dohandshake(std::optional<ssl_params> params = std::nullopt);
  // The same handshake, reporting instead of throwing: errc::handshake_failed ("TLS/SSL
  // handshake failed: <reason>"), errc::certificate_rejected, errc::local_certificate (see
  // ssl_params.hpp), errc::invalid_argument (no or bad parameters, LuaSec's message). On any
  // failure but the last the socket is closed.
  result<void> handshake(std::optional<ssl_params> params = std::nullopt);
  // This TLS session was resumed (a ticket or session ID from an earlier connection).
  bool session_reused() const noexcept;
  // Client: the server name to send (empty: the wrap parameters' sni or the connected host).
  // Server: contexts chosen by the client's name (see sni_params).
  result<void> sni(sni_params names);
  bool is_tls() const noexcept;
  // The SNI name a server received / the ALPN protocol chosen; "not a tls socket" otherwise.
  result<std::string> getsniname() const;
  result<std::string> getalpn() const;

  // ---- identity ---------------------------------------------------------------------------
  type kind() const;
  int getfd() const noexcept;  // -1 when closed or not created yet
  bool wrapped() const noexcept;
  std::string getname() const;  // getsocketname()
  void setname(std::string name);

  detail::socket_impl* impl() const noexcept { return impl_.get(); }
  const std::shared_ptr<detail::socket_impl>& shared_impl() const noexcept { return impl_; }

 private:
  std::shared_ptr<detail::socket_impl> impl_;
};

// New sockets (LuaSocket's socket.tcp() / socket.udp()). The fd is created when the family is
// known (connect, bind, setsockname, sendto), so one call serves IPv4 and IPv6.
socket tcp();
socket udp();

// Copas's wrap: marks the socket as Copas-wrapped and attaches TLS parameters (connect then
// handshakes). Wrapping a wrapped socket returns it unchanged (the new parameters are ignored).
socket wrap(socket s, std::optional<ssl_params> params = std::nullopt);
// Adopts an open fd (TCP or UDP, told by SO_TYPE): made non-blocking, owned by the socket.
// Throws std::invalid_argument for an fd that is not a socket.
socket wrap(int fd, std::optional<ssl_params> params = std::nullopt);

// Copas's setsocketname / getsocketname. The default name is "tcp{client}: 0x<address>"-like.
void setsocketname(std::string name, const socket& s);
std::string getsocketname(const socket& s);

// Per fiber (default off): timeouts report the raw error of the last attempt ("timeout",
// "wantread", "wantwrite", or "Operation already in progress" for connect) instead of "timeout".
void usesockettimeouterrors(bool use = true);
bool usingsockettimeouterrors();

}  // namespace copas

template <>
struct std::hash<copas::socket> {
  std::size_t operator()(const copas::socket& s) const noexcept {
    return std::hash<copas::detail::socket_impl*>{}(s.impl());
  }
};

#include <copas/core/api_suffix.hpp>
