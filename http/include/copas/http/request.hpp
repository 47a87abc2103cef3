#pragma once
// copas::http::request: LuaSocket's http.request as Copas runs it -- only the calling fiber
// waits. http and https are the same call.
//
//   auto r = copas::http::request("http://localhost:8080/index.html");      // simple GET
//   if (r) std::cout << r->code << " " << r->body;
//   else   std::cerr << r.error().message();                               // "closed", ...
//
//   std::vector<std::string> out;
//   auto g = copas::http::request({.url = "https://localhost:8443/x", .method = "PUT",
//                                  .sink = copas::ltn12::sink::table(out),
//                                  .source = copas::ltn12::source::string("data"),
//                                  .timeout = copas::http::timeouts{.connect = 2}});
//
// Forms: request(url) GETs and returns the body; request(url, body) POSTs
// `body` as application/x-www-form-urlencoded; request(params) streams the body to params.sink
// and returns an empty response.body. Each gives code, headers (lower-case names) and the status
// line; an HTTP/0.9 peer gives code 200 and no headers or status line.
//
// Request: HTTP/1.1 with LuaSocket's default headers (user-agent, host, te: trailers,
// connection: TE -- plus "close" when keepalive is off, authorization from URL credentials)
// overridden by params.headers. A source without content-length or transfer-encoding is sent
// chunked with "Transfer-Encoding: chunked" (Copas forgets that header). The fragment is not
// sent. 100 Continue responses are skipped; other 1xx are returned.
//
// Expect: 100-continue (a params.headers entry, with a source): the head is sent alone and the
// body only after a 100 Continue, or after 1 s without any answer (as curl waits). A final
// status that comes first is the response and the body is never sent (the connection is then
// closed, not pooled).
//
// Redirects: 301, 302, 303, 307 for GET/HEAD requests without a source, at most
// maxredirects (default 5, std::nullopt = unlimited); relative locations resolved with
// url::absolute. A 3xx that would be followed past the limit ends the request with the error
// "too many redirects (limit <n>)" (LuaSocket returns the 3xx instead; it is kept in the
// result's partial(), response.hpp).
// http -> https is followed; once https, a redirect to http fails with "Unallowed insecure
// redirect https to http" unless redirect == redirect_mode::all. The final headers get
// "location" set to the last target when they have none.
//
// curl's redirect rules (params.policy = redirect_policy::curl, beyond LuaSocket): 301, 302, 303,
// 307 and 308 are followed whatever the method. A POST redirected by 301/302 becomes a GET without
// a body (unless params.rules keeps it, curl --post301/--post302), as does any method but HEAD
// on a 303 (--post303 keeps a POST); 307 and 308 re-send the method and the body, which
// params.resend makes again (without resend such a redirect is not followed: the 3xx is the
// response). HEAD stays HEAD. Location bytes below 0x21 (a space) and above 0x7e are
// percent-encoded; with received_names, a Location with a bare CR in it fails the request with
// invalid_argument "malformed Location (a CR or LF in it)" (curl: a malformed URL). A redirect to a
// scheme other than http/https fails with "unknown scheme '<s>'". params.strip_credentials (beyond
// LuaSocket; copas-fetch sets it, as curl does unless
// --location-trusted): a redirect to another host or port drops Authorization, Cookie and
// the URL's credentials (CVE-2018-1000007, CVE-2022-27776). params.on_redirect sees each
// hop before it is followed and may change the next request or refuse it.
//
// Expect: params.expect_continue_above = n adds "Expect: 100-continue" to a request whose
// content-length is over n bytes (curl: 1 MiB). Default none, as LuaSocket.
//
// Header names: params.received_names keeps the response's header names as they came
// (response.received, event.received: every field line in order, unmerged) for a client that
// prints them (curl -i). The headers list keeps LuaSocket's lower-case names either way.
//
// https: TLS from copas::net, verified against the system store (or sslparams' cafile) with SNI
// and host name set to the URL host; params.sslparams replaces the defaults (Copas's {wrap,sni}).
// A failed handshake is an error "TLS/SSL handshake failed: <reason>" (never an exception).
//
// Proxy: params.proxy (or PROXY) "http://[user:pass@]host[:port]" (port 3128): http URLs go to
// it in absolute form with proxy-authorization; https URLs through a CONNECT tunnel.
//
// Keep-alive (beyond LuaSocket): connections are pooled per scheme, host, port, proxy and TLS
// settings on the calling thread's dispatcher (see pool.hpp) and reused when the server allows;
// params.keepalive = false opts out and sends "connection: close, TE".
//
// Timeouts bound each socket operation (connect, one send, one read of a block), not the whole
// request; default TIMEOUT (60 s) each. params.deadline (beyond LuaSocket, curl -m) bounds the
// whole request, redirects included: every wait is cut to what is left of it, and the request
// fails with "timeout" when it is over.
//
// Errors (message() is the Copas string): "invalid host '<host>'", "timeout", "closed",
// "connection refused", "host not found: <host>", "TLS/SSL handshake failed: ...",
// "malformed reponse headers", "invalid chunk size", the status line when it has no code,
// "unknown scheme '<s>'" (http::errc::unknown_scheme, errors.hpp; returned, not thrown as
// LuaSocket does), "proxy CONNECT to <host>:<port> refused: <status line>", "too many
// redirects (limit <n>)" (http::errc::too_many_redirects), "Unallowed insecure redirect https to
// http" (http::errc::insecure_redirect), the reader's limit errors (reader.hpp). A failure after
// the status line keeps what arrived in the result's partial() (response.hpp). params.observer sees
// each phase with host and port, to tell where a failure happened.

#include <copas/core/error.hpp>
#include <copas/http/headers.hpp>
#include <copas/http/reader.hpp>
#include <copas/http/response.hpp>
#include <copas/net/ltn12/pump.hpp>
#include <copas/net/ltn12/sink.hpp>
#include <copas/net/ltn12/source.hpp>
#include <copas/net/socket.hpp>
#include <copas/net/ssl_params.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <copas/core/api_prefix.hpp>

namespace copas::http {

// Module constants (LuaSocket's http.TIMEOUT, http.USERAGENT, Copas's PORT, SSLPORT, PROXY).
inline constexpr double TIMEOUT = 60;
inline constexpr std::string_view USERAGENT = "LuaSocket 3.1.0";
inline constexpr std::uint16_t PORT = 80;
inline constexpr std::uint16_t SSLPORT = 443;
// The default proxy for every request without one (empty: none).
extern std::string PROXY;

// Per-phase timeouts in seconds; an absent one is TIMEOUT.
struct timeouts {
  std::optional<double> connect, send, receive;
};

// Copas's `timeout` option: seconds for every phase, a timeouts struct, or Lua's table form
// {{"connect", 1}, {"send", 2}} whose keys are checked when the request starts: an unknown key
// throws std::invalid_argument "'<k>' is not a valid timeout option. Valid: 'connect', 'send',
// 'receive'" (Copas raises it too).
class timeout_option {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): .timeout = 5
  timeout_option(double seconds = TIMEOUT) : v_(seconds) {}
  // NOLINTNEXTLINE(google-explicit-constructor): .timeout = timeouts{...}
  timeout_option(timeouts t) : v_(t) {}
  // NOLINTNEXTLINE(google-explicit-constructor): .timeout = {{"connect", 2}}
  timeout_option(std::initializer_list<std::pair<std::string, double>> table)
      : v_(std::vector<std::pair<std::string, double>>(table)) {}
  timeouts resolve() const;

 private:
  std::variant<double, timeouts, std::vector<std::pair<std::string, double>>> v_;
};

// `redirect` option: follow (default), none (Lua false), all (also https -> http).
enum class redirect_mode { follow, none, all };

// Which codes and methods are followed, and how (see the top of this file).
enum class redirect_policy { luasocket, curl };

// curl's --post301/--post302/--post303: keep a POST a POST (with its body) across that code.
struct redirect_rules {
  bool post301 = false, post302 = false, post303 = false;
};

struct request_params;
// One redirect about to be followed: the 3xx, where it points, and the next request (already
// rewritten by the policy; the callback may change its method, headers, source). Return false to
// stop: the 3xx becomes the response.
struct redirect_hop {
  int code;
  const http::headers& fields;  // the 3xx's headers
  std::string_view from, to;    // URLs
  bool other_host;              // host or port (or scheme) differs
};
using redirect_callback = std::function<bool(const redirect_hop&, request_params& next)>;

// What a request is doing, for params.observer (verbose output, error context).
// connect_failed is told instead of the phase after connect when the TCP connection could not be
// made (detail: why; resolved_at: when the name lookup ended, if it did); the request then
// returns that error.
enum class phase {
  connect,
  tunnel,
  handshake,
  send,
  status,
  headers,
  body,
  redirect,
  done,
  connect_failed
};
struct event {
  phase what;
  std::string_view host;  // the peer being talked to (the proxy's when there is one)
  std::uint16_t port;
  // Each event is told as its phase begins, except headers (told once read: status line in
  // detail, the fields in `fields`) and done.
  std::string_view detail;  // send: the request head; headers: the status line; redirect: target
  bool reused = false;      // connect: a pooled connection was taken
  const http::headers* fields = nullptr;  // headers: the response headers of this hop
  // headers, with params.received_names: the field lines as received (names not lower-cased,
  // repeated names not merged).
  const http::headers* received = nullptr;
  // The connection's addresses, for logs and curl's -w %{remote_ip}: empty ip and port 0 until
  // the TCP connection is up (the connect event of a fresh connection); a pooled connection has
  // them from its connect event on. Through a proxy they are the proxy's.
  std::string_view remote_ip, local_ip;
  std::uint16_t remote_port = 0, local_port = 0;
  // When the connection's name lookup ended (socket::resolved_at), for curl's time_namelookup:
  // clock::time_point{} until then. A pooled connection keeps the time of its own lookup.
  clock::time_point resolved_at{};
};

// Makes the socket for a request (LuaSocket's `create`); it is connected by the request.
using create_function = std::function<socket(const request_params&)>;

struct request_params {
  std::string url;
  std::string method = "GET";
  ltn12::sink sink;                  // default: discard the body
  http::headers headers;             // override the defaults; a repeated name is sent repeated
  ltn12::source source;              // request body (empty: none)
  ltn12::pump::step_function step;   // default: ltn12::pump::step
  std::optional<std::string> proxy;  // default: PROXY
  redirect_mode redirect = redirect_mode::follow;
  create_function create;
  std::optional<int> maxredirects = 5;  // std::nullopt: unlimited
  timeout_option timeout = TIMEOUT;
  std::optional<std::string> uri;       // request-target override
  std::optional<ssl_params> sslparams;  // https; default verifies with the system store
  // URL parts that override the parsed ones.
  std::optional<std::string> scheme, host, port, path, params, query, user, password;
  bool keepalive = true;  // take/return pooled connections
  std::function<void(const event&)> observer;
  http::limits limits = {};
  redirect_policy policy = redirect_policy::luasocket;
  redirect_rules rules = {};
  // Makes the request body again for a 307/308 (curl policy) that re-sends it.
  std::function<ltn12::source()> resend;
  redirect_callback on_redirect;
  bool strip_credentials = false;  // see the top of this file
  // Seconds for the whole request, redirects included (std::nullopt: only the per-call timeouts).
  std::optional<double> deadline;
  std::optional<std::uint64_t> expect_continue_above;
  bool received_names = false;  // fill response.received
  // Where to connect for a host and port (curl --resolve, -4/-6): an address, or std::nullopt
  // for the host itself. Host header, SNI and certificate check keep the URL's host.
  std::function<std::optional<std::string>(std::string_view host, std::uint16_t port)> connect_to;
  // Default header fields not to send at all (curl -H 'Accept:'), e.g. {"te", "user-agent"}.
  std::vector<std::string> without;
  std::string version = "HTTP/1.1";  // the request line's (curl --http1.0: "HTTP/1.0")
  int nredirects = 0;                // internal counter, as in LuaSocket
};

request_result request(std::string_view url);
request_result request(std::string_view url, std::string body);
request_result request(request_params params);

}  // namespace copas::http

#include <copas/core/api_suffix.hpp>
