// forward(): one request to its origin and the response back, top to bottom.
#include <copas/core.hpp>
#include <copas/http/body_sink.hpp>
#include <copas/http/proxy.hpp>
#include <copas/net/ascii.hpp>
#include <copas/net/url.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <vector>

namespace copas::http::proxy {

namespace {

void each_token(std::string_view v, const std::function<void(std::string_view)>& f) {
  while (!v.empty()) {
    auto comma = v.find(',');
    auto tok = v.substr(0, comma);
    while (!tok.empty() && (tok.front() == ' ' || tok.front() == '\t')) tok.remove_prefix(1);
    while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\t')) tok.remove_suffix(1);
    if (!tok.empty()) f(tok);
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
}

bool has_token(const headers& h, std::string_view name, std::string_view token) {
  bool found = false;
  if (auto* v = h.find(name))
    each_token(*v, [&](std::string_view t) { found = found || ascii::iequals(t, token); });
  return found;
}

// RFC 9110 7.6.1: the fixed hop-by-hop fields and every field Connection names. The framing
// fields go too: each hop frames the body itself.
headers without_hop_by_hop(const headers& h) {
  static constexpr std::array<std::string_view, 10> fixed = {"connection",
                                                             "proxy-connection",
                                                             "keep-alive",
                                                             "te",
                                                             "trailer",
                                                             "transfer-encoding",
                                                             "upgrade",
                                                             "proxy-authorization",
                                                             "proxy-authenticate",
                                                             "content-length"};
  std::vector<std::string_view> named;
  if (auto* c = h.find("connection"))
    each_token(*c, [&](std::string_view t) { named.push_back(t); });
  headers out;
  out.reserve(h.size() + 1);
  for (auto& field : h) {
    auto is = [&](std::string_view n) { return same_name(field.first, n); };
    if (std::none_of(fixed.begin(), fixed.end(), is) &&
        std::none_of(named.begin(), named.end(), is))
      out.append(field.first, field.second);
  }
  return out;
}

void add_via(headers& h, const options& o) {
  std::string mine = "1.1 " + o.via;
  if (auto* v = h.find("via"))
    h.set("via", *v + ", " + mine);
  else
    h.set("via", std::move(mine));
}

std::string head_text(std::string_view first_line, const headers& h, std::string_view framing) {
  std::size_t size = first_line.size() + framing.size() + 4;
  for (auto& [k, v] : h) size += k.size() + v.size() + 4;
  std::string out;
  out.reserve(size);
  out += first_line;
  out += "\r\n";
  for (auto& [k, v] : h) {
    out += canonic(k);
    out += ": ";
    out += v;
    out += "\r\n";
  }
  out += framing;
  out += "\r\n";
  return out;
}

void refuse(exchange& ex, int code, const std::string& why) {
  if (!ex.responded())
    ex.respond(code, {{"Content-Type", "text/plain"}, {"Connection", "close"}}, why + "\n");
  else
    ex.close_after();
}

// Where an absolute-form request goes, and what it asks there.
struct destination {
  address to;
  std::string authority;  // host[:port], no userinfo: the Host field
  std::string path;       // origin-form
};

std::optional<destination> destination_of(const std::string& target) {
  auto u = url::parse(target);
  if (!u || !u->scheme || !ascii::iequals(*u->scheme, "http") || !u->host || u->host->empty())
    return std::nullopt;
  destination d;
  d.to.host = *u->host;
  d.to.port = 80;
  if (u->port && !u->port->empty()) {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(u->port->data(), u->port->data() + u->port->size(), p);
    if (ec != std::errc() || end != u->port->data() + u->port->size() || p == 0 || p > 65535)
      return std::nullopt;
    d.to.port = static_cast<std::uint16_t>(p);
  }
  bool v6 = d.to.host.find(':') != std::string::npos;
  d.authority = v6 ? "[" + d.to.host + "]" : d.to.host;
  if (u->port && !u->port->empty()) d.authority += ":" + *u->port;
  d.path = u->path && !u->path->empty() ? *u->path : "/";
  if (u->params) d.path += ";" + *u->params;
  if (u->query) d.path += "?" + *u->query;
  return d;
}

// The request head as it goes upstream.
std::string upstream_head(const exchange& ex, const std::string& path, const std::string* host,
                          const options& o) {
  headers h = without_hop_by_hop(ex.fields());
  if (host) h.set("host", *host);
  add_via(h, o);
  std::string framing;
  const auto& f = ex.body_framing();
  if (f.how == framing::sized)
    framing = "Content-Length: " + std::to_string(f.length) + "\r\n";
  else if (f.how == framing::chunked)
    framing = "Transfer-Encoding: chunked\r\n";
  return head_text(ex.method() + " " + path + " HTTP/1.1", h, framing);
}

// Streams the client's body upstream.
result<void> send_body(exchange& ex, socket& up) {
  bool chunked = ex.body_framing().how == framing::chunked;
  auto sink = body_sink(up, chunked);
  if (auto n = ex.read_body(sink); !n) return n.error();
  if (chunked)
    if (auto ok = sink(std::nullopt, std::nullopt); !ok) return ok.error();
  return {};
}

// Responses up to this size are relayed whole, head and body in one send.
constexpr std::uint64_t small_body = 16 * 1024;

int gateway_status(const error& e) { return e == errc::timeout ? 504 : 502; }

// Relays the final response (its head read) and its body; false if the origin connection
// cannot be reused.
bool relay_response(exchange& ex, upstream_pool::connection& up, strict::response_head& rh,
                    const options& o) {
  auto f = strict::response_framing(ex.method(), rh);
  bool reusable = f.how != framing::until_close && rh.version >= 11 &&
                  !has_token(rh.fields, "connection", "close");
  // The length is the origin's when the body has one, or when it describes the body a HEAD or
  // 304 would have had.
  std::optional<std::string> length;
  if (f.how == framing::sized)
    length = std::to_string(f.length);
  else if (auto* cl = rh.fields.find("content-length"); cl && f.how == framing::none)
    length = *cl;
  headers h = without_hop_by_hop(rh.fields);
  add_via(h, o);
  if (length) h.set("content-length", std::move(*length));
  up.deadline->per_read = o.idle_timeout;
  if (f.how == framing::sized && f.length <= small_body) {
    // Head and body in one send: one system call and one segment for a small response.
    auto body = up.in->exactly(static_cast<std::size_t>(f.length));
    if (!body) {
      refuse(ex, 502, "upstream " + up.key + " cut the response: " + body.error().message());
      return false;
    }
    return ex.respond(rh.code, h, *body, rh.reason) && reusable;
  }
  if (auto ok = ex.start(rh.code, h, rh.reason); !ok) return false;
  auto n = strict::read_body(
      *up.in, f,
      ltn12::sink([&](ltn12::chunk c, const std::optional<copas::error>&) -> result<void> {
        if (c) return ex.write(*c);
        return {};
      }));
  if (!n) {
    ex.close_after();
    return false;  // the response stays unfinished: the client sees the cut
  }
  ex.finish();
  return reusable;
}

}  // namespace

void forward(exchange& ex, upstream_pool& pool, const options& o, const address* to) {
  std::optional<destination> dest;
  if (to) {
    dest = destination{*to, {}, ex.target()};
  } else {
    if (ex.request().target_form != strict::request_head::absolute ||
        !(dest = destination_of(ex.target()))) {
      refuse(ex, 400, "a proxy request needs an absolute http:// URL");
      return;
    }
  }
  auto head = upstream_head(ex, dest->path, to ? nullptr : &dest->authority, o);
  bool client_expects =
      has_token(ex.fields(), "expect", "100-continue") && ex.body_framing().how != framing::none;
  bool has_body = ex.body_framing().how != framing::none;
  std::string key = dest->to.host + ":" + std::to_string(dest->to.port);

  for (int attempt = 0;; ++attempt) {
    // A request with a body cannot be retried: its connection is checked before use instead.
    auto up = pool.take(dest->to, o, has_body);
    if (!up) {
      refuse(ex, gateway_status(up.error()), up.error().message());
      return;
    }
    auto retry_or_fail = [&](const error& e) {
      up->sock.close();
      // A kept connection the origin closed before answering: once more on a new one, when
      // nothing of the request (a body) was consumed.
      if (up->reused && attempt == 0 && !has_body && e == errc::closed) return true;
      refuse(ex, gateway_status(e), "upstream " + key + ": " + e.message());
      return false;
    };
    bool body_sent = !has_body;
    // Streams the client's body (after a 100 to the client when it asked and waits); false,
    // the client answered, when that fails.
    auto pass_body = [&](bool say_continue) {
      if (say_continue) ex.inform(100);
      if (auto ok = send_body(ex, up->sock); !ok) {
        up->sock.close();
        // A malformed body is the client's fault (400); anything else the relay's (502).
        int client_fault = strict::status_of(ok.error());
        refuse(ex, client_fault ? client_fault : 502,
               client_fault ? ok.error().message()
                            : "request body relay to " + key + " failed: " + ok.error().message());
        return false;
      }
      body_sent = true;
      up->deadline->within(o.head_timeout);
      return true;
    };
    if (auto ok = up->sock.send(head); !ok) {
      if (retry_or_fail(ok.error())) continue;
      return;
    }
    up->deadline->per_read = forever;
    if (has_body && !client_expects && !pass_body(false)) return;
    // The response head: informational ones relayed, until the final one.
    up->deadline->within(client_expects && !body_sent ? o.continue_timeout : o.head_timeout);
    for (;;) {
      auto rh = strict::read_response_head(*up->in, strict::head_limits{});
      if (!rh && rh.error() == errc::timeout && !body_sent) {
        // The origin said nothing within continue_timeout: it may not know 100 (RFC 9110
        // 10.1.1), so the body goes now.
        if (!pass_body(true)) return;
        continue;
      }
      if (!rh) {
        if (retry_or_fail(rh.error())) break;  // to the next attempt
        return;
      }
      if (rh->code == 100) {
        if (client_expects && !body_sent && !pass_body(true)) return;
        continue;  // a 100 the client did not ask for is not passed on
      }
      if (rh->code == 101) {
        up->sock.close();
        refuse(ex, 502, "upstream " + key + " switched protocols unasked");
        return;
      }
      if (rh->informational()) {
        ex.inform(rh->code, without_hop_by_hop(rh->fields));
        continue;
      }
      up->deadline->unbounded();
      bool reusable = relay_response(ex, *up, *rh, o) && body_sent;
      if (reusable)
        pool.put(std::move(*up));
      else
        up->sock.close();
      return;
    }
  }
}

request_handler forward_proxy(upstream_pool& pool, options o) {
  return [&pool, o = std::move(o)](exchange& ex) {
    if (ex.method() == "CONNECT")
      tunnel(ex, o);
    else
      forward(ex, pool, o);
  };
}

request_handler reverse_proxy(address to, upstream_pool& pool, options o) {
  return [&pool, to = std::move(to), o = std::move(o)](exchange& ex) {
    if (ex.method() == "CONNECT") {
      ex.respond(405, {{"Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH"}},
                 "CONNECT is not served here\n");
      return;
    }
    forward(ex, pool, o, &to);
  };
}

}  // namespace copas::http::proxy
