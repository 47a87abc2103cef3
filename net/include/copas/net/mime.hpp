#pragma once
// copas::mime: LuaSocket's MIME module -- Base64, quoted-printable, line wrapping, end-of-line
// normalization and SMTP dot-stuffing, byte for byte as LuaSocket's mime.c does them.
//
// Two levels, as in LuaSocket:
// - filters (encode, decode, wrap, normalize, stuff) to put in ltn12 chains;
// - the low-level context-passing functions they are made of (b64, unb64, qp, unqp, wrp, qpwrp,
//   eol, dot), for one-shot use: `mime::b64("hello").out` is "aGVsbG8=".
//
//   auto body = copas::ltn12::source::chain(copas::ltn12::source::string(data),
//                                           copas::mime::encode("base64"), copas::mime::wrap());
//
// In the low-level functions, std::nullopt stands for Lua's nil: as input it means "end of
// data" (flush and pad), as output "nothing". Each returns {out, ctx}, ctx being what to pass
// back in on the next call (the unprocessed bytes, the room left on the line, ...).

#include <copas/net/ltn12/chunk.hpp>
#include <copas/net/ltn12/filter.hpp>

#include <optional>
#include <string>
#include <string_view>

#include <copas/core/api_prefix.hpp>

namespace copas::mime {

inline constexpr std::string_view VERSION = "MIME 1.0.3";

// ---- filters -----------------------------------------------------------------------------

// encode("base64"): Base64 without line breaks (chain wrap("base64") after it for lines).
// encode("quoted-printable", mode): mode "text" (default) keeps CRLF as hard line breaks,
// "binary" encodes them as =0D=0A. Lines are not wrapped (chain wrap("quoted-printable")).
// Any other name throws std::invalid_argument "unknown key (<name>)".
ltn12::filter encode(std::string_view name, std::string_view mode = "text");
// decode("base64") or decode("quoted-printable"); same error for other names.
ltn12::filter decode(std::string_view name);
// wrap("text" | "base64" | "default", length = 76): breaks lines with CRLF so that none is
// longer than `length`; input CR bytes are dropped and LF becomes CRLF.
// wrap("quoted-printable"): 76-column soft breaks ("=\r\n") that never split an =XX escape
// (the length is ignored, as in LuaSocket). Other names throw as encode does.
ltn12::filter wrap(std::string_view name = "default", std::optional<int> length = std::nullopt);
// wrap(59) is wrap("default", 59), as in Lua where a non-string first argument means "default".
ltn12::filter wrap(int length);
// End-of-line normalization to `marker`; see eol() for which sequences count as one line end.
ltn12::filter normalize(std::string_view marker = "\r\n");
// SMTP dot-stuffing: a "." at the start of a line is doubled. The data is taken to start at the
// beginning of a line.
ltn12::filter stuff();

// ---- low-level functions -----------------------------------------------------------------

using opt_bytes = std::optional<std::string_view>;
// {out, rest}: the processed prefix of c..d, and the bytes kept for the next call.
using coded = ltn12::low_result<std::optional<std::string>>;
// {out, n}: the processed bytes, and the wrap column left / the eol or dot state.
using counted = ltn12::low_result<int>;

// Base64-encodes the largest prefix of c..d whose length is a multiple of 3; rest = the other
// bytes. With d absent the end is padded and rest is absent: b64("ab") = {"YWI=", nullopt},
// b64("abcd", "e") = {"YWJj", "de"}. b64(nullopt) and an empty result at the end give out absent.
coded b64(opt_bytes c, opt_bytes d = std::nullopt);
// Decodes complete 4-character groups of c..d, ignoring bytes outside the Base64 alphabet;
// a trailing incomplete group is dropped at the end (unb64("YQ").out is absent).
coded unb64(opt_bytes c, opt_bytes d = std::nullopt);
// Quoted-printable encoding of c..d: bytes 33-60 and 62-126 plain, the rest =XX (upper case);
// space and tab plain unless before CRLF; CRLF becomes `marker`. At the end (d absent) leftover
// bytes are flushed and followed by a soft break: qp("abc ").out = "abc=20=\r\n".
coded qp(opt_bytes c, opt_bytes d = std::nullopt, std::string_view marker = "\r\n");
// Quoted-printable decoding: =XX decoded (either case), soft breaks removed, invalid =ZZ kept,
// CRLF kept, tab and 32-126 kept, other bytes dropped -- including, as in LuaSocket, a CR that
// is not followed by LF, which takes the next byte with it (unqp("a\rXb").out = "ab").
coded unqp(opt_bytes c, opt_bytes d = std::nullopt);
// Copies c breaking lines with CRLF so none exceeds `length`; `left` is the room left on the
// current line, and the result's ctx the room left after c. Input CR is dropped, LF becomes CRLF.
// c absent: CRLF if the last line is unterminated (left < length), ctx = length.
counted wrp(int left, opt_bytes c, int length = 76);
// As wrp, with "=\r\n" soft breaks that never split an =XX escape.
counted qpwrp(int left, opt_bytes c, int length = 76);
// End-of-line normalization: CR and LF are candidates; one alone, or a pair of different ones
// (CRLF, LFCR), gives one marker; a repeated one (CRCR, LFLF) gives two. ctx starts at 0 and
// carries the last candidate across calls. c absent: out absent, ctx 0.
counted eol(int ctx, opt_bytes c, std::string_view marker = "\r\n");
// SMTP dot-stuffing with state 2 = "at the start of a line" (the initial state stuff() uses),
// 1 = after CR, 0 = elsewhere: dot(2, ".a\r\n.b").out = "..a\r\n..b". c absent: {absent, 2}.
counted dot(int state, opt_bytes c);

}  // namespace copas::mime

#include <copas/core/api_suffix.hpp>
