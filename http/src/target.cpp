#include "target.hpp"

#include <copas/http/errors.hpp>
#include <copas/net/ascii.hpp>
#include <copas/net/mime.hpp>
#include <copas/net/url.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace copas::http::detail {

namespace {

result<std::uint16_t> parse_port(const std::optional<std::string>& port, std::uint16_t dflt) {
  if (!port || port->empty()) return dflt;  // "host:" means the default port
  unsigned v = 0;
  auto [p, ec] = std::from_chars(port->data(), port->data() + port->size(), v);
  if (ec != std::errc() || p != port->data() + port->size() || v == 0 || v > 65535)
    return error(copas::errc::invalid_argument, "invalid port '" + *port + "'");
  return static_cast<std::uint16_t>(v);
}

std::string bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

std::string target::key() const {
  return scheme + "://" + bracketed(host) + ":" + std::to_string(port);
}

std::string basic_authorization(const std::string& user, const std::string& password) {
  return "Basic " + mime::b64(user + ":" + password).out.value_or("");
}

result<target> resolve_target(const request_params& p) {
  url::parsed defaults;
  defaults.scheme = "http";
  defaults.path = "/";
  defaults.host = "";  // Copas: so that a URL without host reports "invalid host ''"
  auto u = url::parse(p.url, defaults);
  if (!u) return error(copas::errc::invalid_argument, "invalid url");
  auto pick = [](const std::optional<std::string>& over, std::optional<std::string>& part) {
    if (over) part = over;
  };
  pick(p.scheme, u->scheme);
  pick(p.host, u->host);
  pick(p.port, u->port);
  pick(p.path, u->path);
  pick(p.params, u->params);
  pick(p.query, u->query);
  pick(p.user, u->user);
  pick(p.password, u->password);

  target t;
  t.scheme = ascii::lower(u->scheme.value_or("http"));
  if (t.scheme != "http" && t.scheme != "https")
    return error(make_error_code(http::errc::unknown_scheme), "unknown scheme '" + t.scheme + "'");
  t.host = u->host.value_or("");
  if (t.host.empty()) return error(copas::errc::invalid_argument, "invalid host '" + t.host + "'");
  auto dflt = t.scheme == "https" ? SSLPORT : PORT;
  auto port = parse_port(u->port, dflt);
  if (!port) return port.error();
  t.port = *port;
  t.host_header = bracketed(t.host) + (t.port != dflt ? ":" + std::to_string(t.port) : "");
  if (p.uri) {
    t.path_query = *p.uri;
  } else {
    t.path_query = u->path && !u->path->empty() ? *u->path : "/";
    if (u->params) t.path_query += ";" + *u->params;
    if (u->query) t.path_query += "?" + *u->query;
  }
  // Credentials come percent-encoded in a URL ("me%40example.com"); the server wants them plain.
  if (u->user) t.user = url::unescape(*u->user);
  if (u->password) t.password = url::unescape(*u->password);
  return t;
}

result<std::optional<proxy>> resolve_proxy(const request_params& p) {
  const std::string& text = p.proxy ? *p.proxy : PROXY;
  if (text.empty()) return std::optional<proxy>{};
  url::parsed defaults;
  defaults.scheme = "http";
  auto u = url::parse(text, defaults);
  if (!u || !u->host || u->host->empty())
    return error(copas::errc::invalid_argument, "invalid proxy '" + text + "'");
  auto port = parse_port(u->port, 3128);
  if (!port) return port.error();
  proxy px{.host = *u->host, .port = *port, .authorization = std::nullopt};
  if (u->user)
    px.authorization =
        basic_authorization(url::unescape(*u->user), url::unescape(u->password.value_or("")));
  return std::optional<proxy>(std::move(px));
}

std::string request_head(const request_params& p, const target& t, const std::optional<proxy>& px,
                         bool chunked_body) {
  headers h;
  h.set("user-agent", std::string(USERAGENT));
  h.set("host", t.host_header);
  h.set("connection", p.keepalive ? "TE" : "close, TE");
  h.set("te", "trailers");
  if (t.user && t.password) h.set("authorization", basic_authorization(*t.user, *t.password));
  bool absolute_form = px && t.scheme == "http";
  if (absolute_form && px->authorization) h.set("proxy-authorization", *px->authorization);
  if (chunked_body) h.set("transfer-encoding", "chunked");
  // The first field of a name replaces the default; later ones of that name are sent as well
  // (curl -H 'X-A: 1' -H 'X-A: 2' sends both).
  for (auto it = p.headers.begin(); it != p.headers.end(); ++it) {
    bool repeated = std::any_of(p.headers.begin(), it, [&](const headers::field& f) {
      return ascii::iequals(f.first, it->first);
    });
    if (repeated)
      h.append(it->first, it->second);
    else
      h.set(it->first, it->second);
  }
  for (auto& name : p.without) h.erase(name);

  std::string head = p.method + " ";
  if (absolute_form && !p.uri)
    head += t.scheme + "://" + t.host_header + t.path_query;
  else
    head += t.path_query;
  head += " " + p.version + "\r\n";
  for (auto& [name, value] : h) {
    head += canonic(name);
    head += ": ";
    head += value;
    head += "\r\n";
  }
  head += "\r\n";
  return head;
}

}  // namespace copas::http::detail
