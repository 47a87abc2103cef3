#pragma once
// copas::http::proxy: the parts of an HTTP/1.1 proxy, as handlers for copas::http::server.
//
//   copas::http::proxy::upstream_pool pool;
//   copas::http::server fwd(copas::http::proxy::forward_proxy(pool));          // a forward proxy
//   copas::http::server rev(copas::http::proxy::reverse_proxy({"127.0.0.1", 8080}, pool));
//
// forward(): a request in absolute-form ("GET http://host/p HTTP/1.1") goes to its origin in
//   origin-form, without the hop-by-hop fields (RFC 9110 7.6.1: Connection and what it names,
//   Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-Authorization,
//   Proxy-Authenticate), with Host set to the URL's authority without userinfo (RFC 9112 3.2.2:
//   the client's Host is ignored) and "Via: 1.1 <via>" appended (RFC 9110 7.6.3).
//   The response is read with http::strict (an origin's ambiguous head is a 502, a timeout a
//   504): 1xx responses are relayed before the final one (100 only to a client that sent
//   "Expect: 100-continue", 103 and the others always), the body streams through, re-framed
//   (chunked to an HTTP/1.1 client when its length is not known).
//   Expect: 100-continue goes end to end: the request head is sent, the origin's answer awaited
//   (at most `options::continue_timeout`, for origins that never send 100), and the client's
//   body is asked for and streamed only after a 100 -- never buffered. An origin answering 413
//   at once is relayed as 413, the body never read.
// tunnel(): CONNECT host:port -- "200 Connection Established", then relay().
// relay(): bytes both ways until both directions ended. A FIN from one side is passed on as
//   shutdown(send) to the other while the other direction keeps going (half-close); the idle
//   deadline counts activity in either direction, so a quiet upload beside a busy download is
//   never cut.
// upstream_pool: kept-alive origin connections per host:port, for one dispatcher thread (each
//   thread of serve_threads keeps its own). A connection goes back after a complete response the
//   origin did not mark "close"; a request on a reused connection that fails before any
//   response byte is retried once on a new one when it has no body (one with a body takes a
//   connection checked to be still open).

#include <copas/http/reader.hpp>
#include <copas/http/server.hpp>
#include <copas/net/socket.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <copas/core/api_prefix.hpp>

namespace copas::http::proxy {

struct options {
  double connect_timeout = 10;      // connecting to an origin
  double head_timeout = 60;         // an origin's whole response head, from the request's end
  double idle_timeout = 60;         // a body read or send, and a relay with no byte either way
  double continue_timeout = 1;      // how long an Expect: 100-continue waits for the origin's 100
  std::string via = "copas-proxy";  // the Via field's received-by ("1.1 copas-proxy")
};

struct address {
  std::string host;
  std::uint16_t port = 80;
};

class upstream_pool {
 public:
  // An idle connection older than `idle_seconds` is closed rather than reused (origins close
  // theirs too: nginx after 75 s).
  explicit upstream_pool(std::size_t max_idle_per_origin = 256, double idle_seconds = 30);
  ~upstream_pool();
  upstream_pool(const upstream_pool&) = delete;
  upstream_pool& operator=(const upstream_pool&) = delete;

  // Idle connections held, and connections opened and reused since the start.
  std::size_t idle() const noexcept;
  std::size_t opened() const noexcept { return opened_; }
  std::size_t reused() const noexcept { return reused_; }
  void clear();

  // One origin connection: its socket and the reader holding what it has sent.
  struct connection {
    socket sock;
    std::shared_ptr<read_deadline> deadline;
    std::unique_ptr<reader> in;
    std::string key;
    bool reused = false;
    double idle_since = 0;
  };
  // An idle connection to `to`, else a new one ("cannot connect to host:port: <why>").
  // `verify`: first make sure (one non-blocking peek) the origin has not closed the idle one --
  // for a request that could not be retried.
  result<connection> take(const address& to, const options& o, bool verify = true);
  void put(connection c);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  std::size_t opened_ = 0, reused_ = 0;
};

// Forwards one request to `to` (a reverse proxy) or, without `to`, to the origin its
// absolute-form target names (a forward proxy; other forms are answered 400).
void forward(exchange& ex, upstream_pool& pool, const options& o, const address* to = nullptr);
// Answers a CONNECT and relays the tunnel until it ends.
void tunnel(exchange& ex, const options& o);
// Copies bytes between `a` and `b` as described above; closes both at the end. `a_to_b` goes to
// `b` first (bytes already read from `a`).
void relay(socket a, socket b, double idle_timeout, std::string a_to_b = {});
// A plain TCP relay of `client` to `to`.
void relay_to(socket client, const address& to, const options& o);

// Handlers: CONNECT tunnels and forward() for a forward proxy; forward() to `to` for a reverse
// one (CONNECT there is 405).
request_handler forward_proxy(upstream_pool& pool, options o = {});
request_handler reverse_proxy(address to, upstream_pool& pool, options o = {});

}  // namespace copas::http::proxy

#include <copas/core/api_suffix.hpp>
