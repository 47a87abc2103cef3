#pragma once
// copas::http::server: HTTP/1.1 served from Copas fibers, one handler call per request.
//
//   copas::http::server web([](copas::http::exchange& ex) {
//     auto body = ex.body(1 << 20);                 // answers "100 Continue" if asked first
//     ex.respond(200, {{"Content-Type", "text/plain"}}, "got " + std::to_string(body->size()));
//   });
//   web.serve(copas::bind("127.0.0.1", 8080).value());
//   copas::loop();
//
// Each connection is one fiber reading request heads with http::strict (RFC 9112: anything
// ambiguous is answered 400/501/505/431 with "Connection: close" and the connection closed,
// before the handler sees it) and calling the handler for each, in order: keep-alive and
// pipelining (the next request is read only once the previous response is complete). HTTP/1.0
// clients asking for keep-alive get "Connection: keep-alive" and keep the connection.
//
// Deadlines (server_options), none of which a peer can stretch by sending slowly:
//   head_timeout  the whole request head, from its first byte (and, on a new connection, from
//                 the accept): a head dripped one byte a second is cut, answered 408.
//   idle_timeout  a kept-alive connection waiting for its next request: closed silently.
//   body_timeout  each read of a request body and each send of a response.
//
// The handler must answer: respond() once, or start() then write()s then finish(). A handler
// that returns without answering gets a 500 (or, mid-stream, the connection closed); one that
// throws is reported through copas::report_error and answered the same way. A body the handler
// did not read is discarded (or the connection closed when a 100-continue was never sent).
//
// shutdown(grace): stops accepting, closes idle connections at once, lets requests in progress
// finish (their responses carry "Connection: close") for `grace` seconds, then closes the rest.

#include <copas/core/error.hpp>
#include <copas/core/thread.hpp>
#include <copas/http/headers.hpp>
#include <copas/http/reader.hpp>
#include <copas/http/strict.hpp>
#include <copas/net/ltn12/sink.hpp>
#include <copas/net/socket.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <copas/core/api_prefix.hpp>

namespace copas::http {

struct server_options {
  double head_timeout = 10;
  double idle_timeout = 60;
  double body_timeout = 60;
  strict::head_limits head;
  http::limits lines{.max_line = 8 * 1024};
  // An unread request body up to this size is read and dropped to keep the connection;
  // a larger one closes it.
  std::uint64_t max_discard = 256 * 1024;
};

// One request and its response.
class exchange {
 public:
  const strict::request_head& request() const noexcept { return head_; }
  const std::string& method() const noexcept { return head_.method; }
  const std::string& target() const noexcept { return head_.target; }
  const http::headers& fields() const noexcept { return head_.fields; }
  // How the request body is delimited (none, sized or chunked).
  const http::framing& body_framing() const noexcept { return framing_; }
  // The client connection (peer address, raw access for an upgrade or a tunnel).
  socket& connection() noexcept { return client_; }
  // Bytes read from the connection beyond this request's head and body (a tunnel relays them).
  std::string take_buffered();

  // ---- the request body (once; sends "100 Continue" first when the client asked) ----------
  // Moves the body to `sink` (without the end mark); returns its size.
  result<std::uint64_t> read_body(const ltn12::sink& sink);
  // The whole body as a string; "body too large (limit <n> bytes)" past `max`.
  result<std::string> body(std::size_t max);

  // ---- the response -----------------------------------------------------------------------
  // An informational response (100..199) before the final one: 103 Early Hints, or 100 sent
  // by hand. Not sent to an HTTP/1.0 client (RFC 9110 15.2), which returns success.
  result<void> inform(int code, const http::headers& fields = {});
  // A whole response; Content-Length is set from `body` (a HEAD request gets no body).
  // `reason`: the reason phrase (empty: status_text(code)).
  result<void> respond(int code, const http::headers& fields, std::string_view body,
                       std::string_view reason = {});
  // A streamed response: with a "Content-Length" in `fields` the body must be that long;
  // without one it goes chunked (an HTTP/1.0 client: until the connection closes).
  result<void> start(int code, const http::headers& fields, std::string_view reason = {});
  result<void> write(std::string_view data);
  result<void> finish();
  // Takes the connection over (a CONNECT tunnel, an upgrade): the server sends nothing more on
  // it and closes it once the handler returns. Bytes already read beyond the head are in
  // take_buffered().
  socket detach();
  bool responded() const noexcept { return state_ != response_state::none; }
  // The final status sent (0 before), and the body bytes written.
  int status() const noexcept { return status_; }
  std::uint64_t body_bytes_sent() const noexcept { return sent_; }
  // Closes the connection after this response (also set when the client or framing needs it).
  void close_after() noexcept { keep_alive_ = false; }
  bool keeps_alive() const noexcept { return keep_alive_; }

  exchange(socket client, reader& in, strict::request_head head, const bool& stopping,
           std::uint64_t max_discard);
  exchange(const exchange&) = delete;
  exchange& operator=(const exchange&) = delete;
  // Called by the server after the handler: answers a forgotten response, drops an unread
  // body. False when the connection cannot carry another request.
  bool complete();

 private:
  enum class response_state { none, streaming, done };
  result<void> send_head(int code, const http::headers& fields, std::string_view framing,
                         std::string_view body, std::string_view reason);
  socket client_;
  reader& in_;
  strict::request_head head_;
  http::framing framing_;
  bool keep_alive_ = true;
  bool expect_continue_ = false;  // the client waits for 100 before sending the body
  bool body_read_ = false;
  bool chunked_out_ = false;
  bool body_out_ = true;  // false for HEAD, 204, 304
  const bool& stopping_;  // the server's: set by shutdown()
  std::uint64_t max_discard_;
  response_state state_ = response_state::none;
  int status_ = 0;
  std::uint64_t sent_ = 0;
};

using request_handler = std::function<void(exchange&)>;

class server {
 public:
  explicit server(request_handler handler, server_options options = {});
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Serves `listener` in this thread's dispatcher (copas::addserver).
  void serve(socket listener);
  // Serves one accepted connection in the calling fiber, until it closes.
  void serve_connection(socket client);
  // Graceful stop (see above); waits in the calling fiber up to `grace` seconds.
  void shutdown(double grace);
  // Open connections.
  std::size_t connections() const noexcept;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

// A response with a plain-text body "<why>\n" and "Connection: close", as the server sends for
// requests it refuses (status_text(code) as the reason phrase).
std::string error_response(int code, std::string_view why);
// The reason phrase of `code` ("Not Found"), "Unknown" for codes it does not know.
std::string_view status_text(int code) noexcept;

}  // namespace copas::http

#include <copas/core/api_suffix.hpp>
