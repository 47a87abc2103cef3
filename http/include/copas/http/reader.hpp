#pragma once
// copas::http::reader: reads HTTP/1.x messages from a byte stream, bounded.
//
// The client reads responses with it, leniently (below); a server or proxy reads through the
// same buffer with http::strict (strict.hpp) on top. It reads a socket through the socket's
// own receive buffer, or any other input through a `fill` function (the fuzzers: memory).
//
//   copas::http::reader in(sock);                   // reads sock's receive buffer in place
//   auto status = copas::http::read_status(in);     // "HTTP/1.1 200 OK", 200
//   auto fields = copas::http::read_headers(in);    // lower-case names, merged
//
// Errors (copas::error, message() is the text):
//   "closed"                       the stream ended (also inside a body: a truncated response)
//   "timeout"                      from the socket
//   "malformed reponse headers"    a header line without a colon (Copas's spelling)
//   "invalid chunk size"           a chunk-size line that is not hex
//   "<what> too long (limit <n> bytes): <first 80 bytes>"   a line over the limit
//   "too many header fields (limit <n>)" / "header block too large (limit <n> bytes)"
//
// Written by hand rather than on Boost.Beast's parser because LuaSocket's reading rules are
// observable and must be kept: an HTTP/0.9 reply detected from its first 5 bytes, every CR byte
// dropped from lines (LuaSocket's "*l"), a folded line appended with its own whitespace,
// repeated names joined with ", ", and its exact error strings; Beast normalises or rejects
// each of those. The parser is small, every loop is bounded by `limits`, and it is fuzzed
// (tests/fuzz/http_response_fuzz.cpp).

#include <copas/core/error.hpp>
#include <copas/core/time.hpp>
#include <copas/http/headers.hpp>
#include <copas/net/ltn12/sink.hpp>
#include <copas/net/socket.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <copas/core/api_prefix.hpp>

namespace copas::http {

// Bounds on what a peer may send.
struct limits {
  std::size_t max_line = 16 * 1024;           // status line, one header line, chunk-size line
  std::size_t max_fields = 200;               // header lines in one block (trailers too)
  std::size_t max_header_bytes = 256 * 1024;  // one header block
};

// Appends at least one byte to `buf`, or fails ("closed" at the end of the stream): a reader's
// input other than a socket (memory, in the fuzzers).
using fill_function = std::function<result<void>(std::string& buf)>;

// What a reader on a socket waits by: each read at most `per_read` seconds, and all reads before
// `until` -- a whole-message deadline a peer dripping one byte at a time cannot stretch.
struct read_deadline {
  double per_read = forever;  // seconds; forever (or <= 0) waits as long as `until` allows
  std::chrono::steady_clock::time_point until = std::chrono::steady_clock::time_point::max();
  // Sets `until` to `seconds` from now (forever: no whole-message deadline).
  void within(double seconds) noexcept;
  void unbounded() noexcept { until = std::chrono::steady_clock::time_point::max(); }
};

class reader {
 public:
  explicit reader(fill_function fill, http::limits lim = {});
  // Reads `s` in place, through the socket's own receive buffer (socket::buffered_or_fill): no
  // second copy. Each read waits within the socket's receive timeout (so a slow but steady peer
  // never times out, as in LuaSocket); with `d`, at most d->per_read and only until d->until
  // ("timeout" after that; the reader sets the socket's receive timeout itself).
  // Lines longer than the socket's max_buffered() fail as the socket's "data too long".
  explicit reader(socket s, http::limits lim = {});
  reader(socket s, std::shared_ptr<read_deadline> d, http::limits lim = {});

  // One line without its LF and with every CR removed. `what` names it in errors.
  result<std::string> line(std::string_view what = "line");
  // line(), seen in place: valid until the next call on this reader. With keep_inner_cr only
  // the CR before the LF is dropped.
  result<std::string_view> line_view(std::string_view what = "line", bool keep_inner_cr = false);
  // One line without its LF, every CR kept (a strict parser judges them), seen in place: valid
  // until the next call on this reader.
  result<std::string_view> raw_line_view(std::string_view what = "line");
  // Exactly `n` bytes ("closed" if the stream ends first; what came is in partial()).
  result<std::string> exactly(std::size_t n);
  // At least 1 and at most `max` bytes: what is buffered, else one fill.
  result<std::string> some(std::size_t max);
  // The first `n` bytes without consuming them (fewer at the end of the stream).
  result<std::string_view> peek(std::size_t n);

  // Bytes already read from the stream but not consumed (e.g. to relay them as they are).
  std::string take_buffered();
  // What exactly() had read when it failed.
  const std::string& partial() const noexcept { return partial_; }
  const http::limits& limits() const noexcept { return lim_; }

 private:
  result<void> fill();
  // The input's two shapes differ only here: the bytes read and not consumed (the socket's
  // buffer, or buf_ from pos_), dropping them, and fill().
  std::string_view avail() const noexcept {
    return in_place_ ? sock_.buffered() : std::string_view(buf_).substr(pos_);
  }
  void drop(std::size_t n) {
    if (in_place_)
      sock_.consume(n);
    else
      pos_ += n;
  }
  fill_function fill_;
  socket sock_;
  std::shared_ptr<read_deadline> deadline_;
  bool in_place_ = false;
  http::limits lim_;
  std::string buf_;
  std::size_t pos_ = 0;
  std::string partial_;
};

// A status line: "HTTP/1.1 200 OK" -> code 200, version 11.
struct status_line {
  std::string text;
  int code = 0;
  int version = 11;  // 10 for HTTP/1.0, 11 for HTTP/1.1; 9 for an HTTP/0.9 reply (no line)
};

// Reads a status line. A stream not starting with "HTTP/" is an HTTP/0.9 reply: version 9,
// code 200, nothing consumed. A line without a 3-digit code fails with the line as message.
result<status_line> read_status(reader& in);

// Reads header lines up to the empty line (LuaSocket's receiveheaders).
// With `as_received`, also appends each field there as sent: name not lower-cased, repeated
// names not merged, a CR inside a value kept.
result<headers> read_headers(reader& in, headers* as_received = nullptr);

// How a body is delimited.
struct framing {
  enum kind { none, sized, chunked, until_close } how = none;
  std::uint64_t length = 0;
};

// The framing of a response to `method` (RFC 9112 6.3, as LuaSocket applies it: HEAD, 1xx, 204
// and 304 have no body; a transfer-encoding other than identity is chunked, and wins over
// content-length; else a numeric content-length; else until close). A content-length that is
// not a number fails with "invalid content-length: <value>".
result<framing> response_framing(std::string_view method, int code, const headers& h);
// The framing of a request (no body unless content-length or chunked).
result<framing> request_framing(const headers& h);

// Moves a body to `sink` (chunk by chunk; the sink is not given the end mark). Chunked bodies
// drop chunk extensions; trailers are read and, when `trailers` is given, stored there.
// Returns the number of body bytes delivered.
result<std::uint64_t> read_body(reader& in, const framing& f, const ltn12::sink& sink,
                                headers* trailers = nullptr);

}  // namespace copas::http

#include <copas/core/api_suffix.hpp>
