#pragma once
// copas::http::strict: reading what a server or a proxy receives, by the letter of RFC 9112.
//
//   copas::http::reader in(client);
//   auto req = copas::http::strict::read_request_head(in);
//   if (!req) answer(copas::http::strict::status_of(req.error()), req.error().message());
//   auto f = copas::http::strict::request_framing(*req);          // never fails: checked above
//   copas::http::strict::read_body(in, f, sink);                  // chunk sizes checked too
//
// The client keeps LuaSocket's leniency (reader.hpp); a server or proxy must not: a message two
// parsers could delimit differently is how requests are smuggled (RFC 9112 11.2). So this
// rejects, and never repairs, every ambiguous head:
//   - whitespace between a field name and its colon, a field name that is not a token,
//     CR, LF, NUL or another control byte in a value, a bare CR anywhere (RFC 9112 5, 5.1, 2.2)
//   - a folded line (obs-fold) in a request (RFC 9112 5.2; in a response it becomes one SP)
//   - a Transfer-Encoding whose last coding is not chunked (request: 400), that names a coding
//     this end does not know (501), or that repeats chunked (RFC 9112 6.1, 6.3)
//   - Content-Length together with Transfer-Encoding, a Content-Length that is not digits, or
//     several that differ (RFC 9112 6.2, 6.3)
//   - a Transfer-Encoding in an HTTP/1.0 message (RFC 9112 6.1)
//   - a missing (HTTP/1.1) or repeated Host, or one that is not a host[:port] (RFC 9112 3.2)
//   - a request target with spaces or control bytes, or not of a form its method allows
//     (RFC 9112 3.2), an unknown HTTP version (RFC 9112 2.3; another major version: 505)
//   - a chunk size that is not pure hex or overflows 64 bits (RFC 9112 7.1)
// and it is bounded: a head is at most `head_limits::max_head_bytes` and `max_fields` fields.
//
// Errors: a copas::error in the http status category (status_of() gives the status to answer
// with: 400, 501, 505, 431 for a head over the limits, 414 for a request line over them, and
// 502 from read_response_head, which reports what an origin sent), its
// message() a one-line reason ("whitespace before the colon in a field name"). The reader's own
// errors ("closed", "timeout") pass through; status_of() gives 0 for them.
//
// Written by hand rather than on Boost.Beast's parser: Beast accepts obs-fold, bare LF and
// ambiguous Content-Length lists the way a lenient client should, and it has no place for the
// 501-or-400 distinction RFC 9112 makes for transfer codings.

#include <copas/core/error.hpp>
#include <copas/http/headers.hpp>
#include <copas/http/reader.hpp>
#include <copas/net/ltn12/sink.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include <copas/core/api_prefix.hpp>

namespace copas::http::strict {

// The category whose values are HTTP status codes: error(status(400), "why").
const std::error_category& status_category() noexcept;
inline std::error_code status(int code) noexcept { return {code, status_category()}; }
// The status to answer an error with: its value in status_category(), else 0 (an I/O error).
int status_of(const error& e) noexcept;

// Bounds on one head, on top of the reader's (its max_line bounds each line).
struct head_limits {
  std::size_t max_head_bytes = 64 * 1024;  // start line and fields together
  std::size_t max_fields = 100;
};

// A request head. Field names are lower-case; repeated names other than Host and
// Content-Length are joined with ", " (RFC 9110 5.3).
struct request_head {
  std::string method;  // a token, as sent (methods are case-sensitive)
  std::string target;  // as sent
  int version = 11;    // 10 or 11
  http::headers fields;
  enum form { origin, absolute, authority, asterisk } target_form = origin;
};

// A response head ("HTTP/1.1 103 Early Hints").
struct response_head {
  int code = 0;        // 100..599
  std::string reason;  // may be empty
  int version = 11;    // 10 or 11
  http::headers fields;
  bool informational() const noexcept { return code >= 100 && code < 200; }
};

// Reads one request head. Empty lines before the request line are skipped (RFC 9112 2.2), at
// most a few.
result<request_head> read_request_head(reader& in, const head_limits& lim = {});
// Reads one response head; every violation is a 502 (what a gateway answers for it).
result<response_head> read_response_head(reader& in, const head_limits& lim = {});

// The framing of a checked request (RFC 9112 6.3): chunked, sized or none.
framing request_framing(const request_head& h);
// The framing of a checked response to `method` (RFC 9112 6.3): none for HEAD, 1xx, 204, 304
// and a 2xx to CONNECT; a Transfer-Encoding not ending in chunked reads until close.
framing response_framing(std::string_view method, const response_head& h);

// Moves a body to `sink` (without the end mark). Chunked: sizes are pure hex within 64 bits,
// extensions are skipped, each chunk ends with CRLF, the trailer fields are checked like header
// fields (and dropped). Errors: 400 for a malformed chunk, else the reader's ("closed").
result<std::uint64_t> read_body(reader& in, const framing& f, const ltn12::sink& sink);

// RFC 9110 5.6.2: tchar, the bytes a token (a method, a field name, a coding) is made of.
bool is_tchar(char c) noexcept;

}  // namespace copas::http::strict

#include <copas/core/api_suffix.hpp>
