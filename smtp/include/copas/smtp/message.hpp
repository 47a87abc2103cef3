#pragma once
// copas::smtp::message: LuaSocket's smtp.message -- an ltn12 source that streams a mail message
// (headers and body) for smtp::send's `source`.
//
//   auto src = copas::smtp::message({
//       .headers = {{"from", "Me <me@example.org>"}, {"to", "you@example.org"},
//                   {"subject", "report"}},
//       .body = copas::smtp::multipart{
//           .preamble = "This is a MIME message.",
//           .parts = {
//               {.headers = {{"content-type", "text/plain; charset=utf-8"}}, .body = "See
//               attached.\r\n"}, copas::smtp::attachment("report.pdf", "application/pdf",
//               pdf_bytes),
//           }},
//   });
//
// Layout (byte for byte LuaSocket's):
// - a header block "Name: value\r\n"..., then "\r\n";
// - a string body as is; a source body chunk by chunk (a source error ends the message source
//   with that error); no body at all: nothing after the header block;
// - a multipart body: content-type defaults to multipart/mixed and always gets
//   `; boundary="<b>"`; then the preamble and CRLF if given; "\r\n--<b>\r\n" and the part
//   before each part; "\r\n--<b>--\r\n\r\n"; the epilogue and CRLF if given.
//
// Headers: the top level gets `date` (now, UTC, "Tue, 01 Jul 2025 10:00:00 -0000" with `zone`),
// `x-mailer` (copas::VERSION) and `message-id` ("<time.random@hostname>", RFC 5322 §3.6.4: a
// relay need not add one) unless given, and `mime-version: 1.0` always; every body without
// a content-type gets `text/plain; charset="iso-8859-1"`. Parts get no date, mailer or version.
// Names LuaSocket knows are written canonically (subject -> Subject, message-id -> Message-ID),
// others as you spelled them, in your order (LuaSocket lower-cases them and writes them in hash
// order). Values that are ASCII are sent as given; non-ASCII (UTF-8) text becomes RFC 2047
// encoded-words ("Subject: =?UTF-8?B?R3LDvMOfZSDinJM=?="): the whole of unstructured values
// such as Subject from the first to the last non-ASCII word, the display names in From, To,
// Cc, Reply-To and the like, never an address itself (a UTF-8 address needs SMTPUTF8, which
// smtp::send asks for) nor the structured Content-*, Message-ID, References or Date. A
// non-ASCII attachment file name goes as RFC 2231's filename*=UTF-8''... A name that is not
// a header name, or a value with a line break not followed by a space or tab (a folded line),
// makes the source return errc::invalid_argument naming the header.
//
// Boundaries are 24 random characters after "=_", a sequence that base64 and quoted-printable
// output never contain; boundaries are also checked against every string of the part they
// delimit and redrawn on a clash, and source bodies inside a multipart are watched as they
// stream: one that contains its boundary fails the message (errc::invalid_argument) rather
// than produce a message that parses differently.

#include <copas/net/ltn12.hpp>

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <copas/core/api_prefix.hpp>

namespace copas::smtp {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct part;

struct multipart {
  std::optional<std::string> preamble;
  std::vector<part> parts;
  std::optional<std::string> epilogue;
};

// LuaSocket's message table; also each part of a multipart body.
struct part {
  header_list headers;
  std::variant<std::monostate, std::string, ltn12::source, multipart> body;
  std::optional<std::string> zone;  // top level only: the date's zone (default ZONE)
};

inline constexpr const char* ZONE = "-0000";

// The message source. The date, the boundaries and the header checks are done here, once.
ltn12::source message(part msg);

// A part carrying `data` base64-encoded in 76-column lines, with content-type `type` and
// content-disposition attachment; filename="<filename>" (non-ASCII: filename*=UTF-8''<%-encoded>).
part attachment(std::string filename, std::string type, ltn12::source data);
part attachment(std::string filename, std::string type, std::string data);

// A part carrying text quoted-printable-encoded ("text" mode, 76-column soft breaks), for text
// with 8-bit bytes; `type` e.g. "text/plain; charset=utf-8".
part quoted_printable(std::string type, std::string text);

}  // namespace copas::smtp

#include <copas/core/api_suffix.hpp>
