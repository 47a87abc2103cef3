#include "target.hpp"

#include "ftp_error.hpp"

#include <copas/ftp/errors.hpp>
#include <copas/net/url.hpp>

#include <charconv>

namespace copas::ftp::detail {

namespace {

result<std::uint16_t> port_of(std::string_view p) {
  if (p.empty()) return PORT;  // "host:" as LuaSocket's http accepts it
  unsigned v = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  if (ec != std::errc() || end != p.data() + p.size() || v == 0 || v > 65535)
    return ftp_error(errc::invalid_port, "invalid port '" + std::string(p) + "'");
  return static_cast<std::uint16_t>(v);
}

// ";type=a" / ";type=i" (LuaSocket's "^type=(.)$"); anything else is refused.
result<std::string> type_of(std::string_view params) {
  if (params.size() == 6 && params.substr(0, 5) == "type=") {
    char t = params[5];
    if (t == 'a' || t == 'i') return std::string(1, t);
    return ftp_error(errc::invalid_type, "invalid type '" + std::string(1, t) + "'");
  }
  return ftp_error(errc::invalid_type, "invalid type '" + std::string(params) + "'");
}

// The parts every form takes from a URL. User and password are unescaped ("%40" in a user
// name is an '@'); LuaSocket passes them as written.
result<target> from_parsed(const url::parsed& u) {
  target t;
  if (u.host && !u.host->empty()) t.host = *u.host;
  if (u.port) {
    auto p = port_of(*u.port);
    if (!p) return p.error();
    t.port = *p;
  }
  if (u.user) t.user = url::unescape(*u.user);
  if (u.password) t.password = url::unescape(*u.password);
  t.path = u.path;
  return t;
}

}  // namespace

result<target> parse_ftp_url(std::string_view s) {
  url::parsed defaults;
  defaults.scheme = "ftp";
  defaults.path = "/";
  auto u = url::parse(s, defaults);
  if (!u) return u.error();
  if (u->scheme != "ftp")
    return ftp_error(errc::wrong_scheme, "wrong scheme '" + u->scheme.value_or("") + "'");
  auto t = from_parsed(*u);
  if (!t) return t;
  if (!t->host) return ftp_error(errc::missing_hostname, "missing hostname");
  if (u->params) {
    auto type = type_of(*u->params);
    if (!type) return type.error();
    t->type = std::move(*type);
  }
  return t;
}

result<target> resolve(const std::optional<std::string>& url,
                       const std::optional<std::string>& host, std::optional<std::uint16_t> port,
                       const std::optional<std::string>& user,
                       const std::optional<std::string>& password,
                       const std::optional<std::string>& path,
                       const std::optional<std::string>& type) {
  target t;
  if (url) {
    auto u = url::parse(*url);
    if (!u) return u.error();
    auto from = from_parsed(*u);
    if (!from) return from;
    t = std::move(*from);
    // LuaSocket ignores ";type=" here; a valid one is honoured, anything else left alone.
    if (u->params) {
      if (auto ty = type_of(*u->params)) t.type = std::move(*ty);
    }
  }
  if (host) t.host = *host;
  if (port) t.port = *port;
  if (user) t.user = *user;
  if (password) t.password = *password;
  if (path) t.path = *path;
  if (type) t.type = *type;
  if (!t.host || t.host->empty()) return ftp_error(errc::missing_hostname, "missing hostname");
  return t;
}

}  // namespace copas::ftp::detail
