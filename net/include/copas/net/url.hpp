#pragma once
// copas::url: LuaSocket's socket.url -- URL parsing, building, relative resolution and
// escaping, with LuaSocket's (RFC 2396 era) rules rather than a strict RFC 3986 parser:
// parse() accepts whatever url.lua accepts and splits it the same way, nothing is unescaped,
// and every part stays a string (the port too).
//
//   auto u = copas::url::parse("http://user:pw@example.org:8080/a/b;p?q=1#top").value();
//   // u.host == "example.org", u.port == "8080", u.path == "/a/b", u.params == "p", ...
//   copas::url::absolute("http://a/b/c/d;p?q", "../g");   // "http://a/b/g"
//
// Follows LuaSocket master where it differs from 3.1.0: the authority stops at '?' and '#'
// too, so "http://host:8071?x=1" has host "host", port "8071" and query "x=1".

#include <copas/core/error.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <copas/core/api_prefix.hpp>

namespace copas::url {

inline constexpr std::string_view VERSION = "URL 1.0.3";

// The parts of a URL, named as in RFC 2396 and url.lua:
//   [scheme:][//authority][path][;params][?query][#fragment]
//   authority = [userinfo@]host[:port], userinfo = user[:password]
// A part that is absent is std::nullopt; a part that is present but empty ("http://h:/" has
// port "") is "".
struct parsed {
  std::optional<std::string> scheme;
  std::optional<std::string> authority;
  std::optional<std::string> userinfo;
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<std::string> host;  // IPv6 literals without their brackets
  std::optional<std::string> port;
  std::optional<std::string> path;  // with its leading '/', if any
  std::optional<std::string> params;
  std::optional<std::string> query;
  std::optional<std::string> fragment;

  friend bool operator==(const parsed&, const parsed&) = default;
};

// Splits `s` into its parts; the result starts as a copy of `defaults`, and each part found in
// `s` overwrites the default. An empty `s` fails with "invalid url". Never unescapes.
// A string without "//" has no host: "www.google.com/hello" is all path (as in LuaSocket).
result<parsed> parse(std::string_view s, const parsed& defaults = {});

// Puts parts back together: path (or ""), ";params", "?query"; the authority is made from host
// (bracketed when it contains ':'), ":port" and user[:password] (preferred) or userinfo, and
// only when there is no host is the `authority` field used as is; then "scheme:", "//authority"
// and "#fragment". Nothing is escaped.
std::string build(const parsed& u);

// Resolves `relative` against `base` (RFC 2396 section 5.2, as url.lua does it, then removes
// dot segments from the whole result). An empty base gives `relative`, an empty relative gives
// `base`, and a relative with a scheme is returned as is.
std::string absolute(std::string_view base, std::string_view relative);
// The same with a parsed base. As in url.lua, the result inherits the base's `authority` field
// (set by parse()); a hand-built base with only `host` gives the result no authority.
std::string absolute(const parsed& base, std::string_view relative);

// Every byte other than [A-Za-z0-9_] as %xx with lower-case hex: "a b" -> "a%20b".
std::string escape(std::string_view s);
// Every %XX (hex, either case) as its byte; invalid sequences such as "%zz" are kept.
std::string unescape(std::string_view s);

// A path split into unescaped segments.
struct path_segments {
  std::vector<std::string> segments;
  bool is_absolute = false;   // the path started with '/'
  bool is_directory = false;  // the path ended with '/'

  friend bool operator==(const path_segments&, const path_segments&) = default;
};

// Splits on '/', dropping empty segments, and unescapes each segment.
path_segments parse_path(std::string_view path);
// Joins the segments with '/', adding a leading '/' for is_absolute and a trailing one for
// is_directory (only when there is a segment). Unless `unsafe`, each segment is protected: bytes
// other than [A-Za-z0-9_] and - . ! ~ * ' ( ) : @ & = + $ , become %XX with upper-case hex.
std::string build_path(const path_segments& p, bool unsafe = false);

}  // namespace copas::url

#include <copas/core/api_suffix.hpp>
