// The forward proxy, one client connection at a time, written top to bottom: read a request,
// tunnel it (CONNECT) or forward it to its origin, relay the response, repeat while both sides
// keep the connection alive.
#include "proxy.hpp"

#include <copas/core.hpp>
#include <copas/net/ascii.hpp>
#include <copas/http.hpp>
#include <copas/net/url.hpp>

#include <cctype>
#include <charconv>
#include <optional>

namespace copas::proxy {

namespace {

void answer(socket& c, int code, std::string_view reason, std::string_view why) {
  std::string body = std::string(why) + "\n";
  c.send("HTTP/1.1 " + std::to_string(code) + " " + std::string(reason) +
         "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body);
}

// RFC 9110 7.6.1: the fixed hop-by-hop fields plus every field the Connection header names.
// Transfer-Encoding and Content-Length are re-framed by the proxy itself.
http::headers end_to_end(http::headers h) {
  static constexpr std::string_view hop_by_hop[] = {
      "connection", "proxy-connection", "keep-alive", "te", "trailer", "transfer-encoding",
      "upgrade", "proxy-authorization", "proxy-authenticate", "content-length"};
  std::vector<std::string> named;  // read before "connection" itself goes
  if (auto* c = h.find("connection")) {
    std::string_view v = *c;
    while (!v.empty()) {
      auto comma = v.find(',');
      auto tok = v.substr(0, comma);
      while (!tok.empty() && tok.front() == ' ') tok.remove_prefix(1);
      while (!tok.empty() && tok.back() == ' ') tok.remove_suffix(1);
      if (!tok.empty()) named.emplace_back(tok);
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  for (auto name : hop_by_hop) h.erase(name);
  for (auto& name : named) h.erase(name);
  return h;
}

bool wants_close(const http::headers& h, int version) {
  auto* c = h.find("connection");
  std::string_view v = c ? std::string_view(*c) : "";
  if (ascii::icontains(v, "close")) return true;
  return version < 11 && !ascii::icontains(v, "keep-alive");
}

// `room`: bytes that will be appended (a body sent with the head), reserved with it.
std::string head_of(std::string_view first_line, const http::headers& h, std::string_view framing,
                    std::size_t room = 0) {
  std::size_t size = first_line.size() + framing.size() + 4 + room;
  for (auto& [k, v] : h) size += k.size() + v.size() + 4;
  std::string out;
  out.reserve(size);
  out += first_line;
  out += "\r\n";
  for (auto& [k, v] : h) {
    out += http::canonic(k);
    out += ": ";
    out += v;
    out += "\r\n";
  }
  out += framing;
  out += "\r\n";
  return out;
}

std::string framing_header(const http::framing& f) {
  if (f.how == http::framing::sized) return "Content-Length: " + std::to_string(f.length) + "\r\n";
  if (f.how == http::framing::none) return "";
  return "Transfer-Encoding: chunked\r\n";
}

struct request_line {
  std::string method, target;
  int version = 11;
};

std::optional<request_line> parse_request_line(std::string_view l) {
  auto sp1 = l.find(' ');
  auto sp2 = l.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return std::nullopt;
  request_line r{std::string(l.substr(0, sp1)), std::string(l.substr(sp1 + 1, sp2 - sp1 - 1)), 11};
  auto v = l.substr(sp2 + 1);
  if (v == "HTTP/1.0") r.version = 10;
  else if (v != "HTTP/1.1") return std::nullopt;
  for (char c : r.method)
    if (!std::isupper(static_cast<unsigned char>(c))) return std::nullopt;
  if (r.method.empty() || r.target.empty()) return std::nullopt;
  return r;
}

std::optional<std::pair<std::string, std::uint16_t>> host_port(std::string_view authority,
                                                               std::uint16_t dflt) {
  std::string host;
  std::string_view port;
  if (authority.starts_with("[")) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    auto colon = authority.rfind(':');
    host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  unsigned p = dflt;
  if (!port.empty()) {
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p == 0 || p > 65535) return std::nullopt;
  }
  if (host.empty()) return std::nullopt;
  return std::pair{host, static_cast<std::uint16_t>(p)};
}

// Responses up to this size are relayed whole, head and body in one send.
constexpr std::uint64_t small_body = 16 * 1024;

// Whether relay_response sends the body in the same send as the head (else it streams it).
bool body_with_head(const http::framing& f) {
  return f.how == http::framing::sized && f.length <= small_body;
}

// The upstream connection of one client connection, kept while the origin stays the same.
struct upstream {
  socket sock;
  std::string key;
  std::unique_ptr<http::reader> in;
};

// Sends the response head, then moves the body from the upstream reader as `f` frames it.
bool relay_response(socket& client, http::reader& from, std::string head, const http::framing& f,
                    bool chunked_out) {
  if (body_with_head(f)) {
    // Head and body in one send: one system call and one segment for a small response.
    auto body = from.exactly(static_cast<std::size_t>(f.length));
    if (!body) return false;
    head += *body;
    return static_cast<bool>(client.send(head));
  }
  if (!client.send(head)) return false;
  auto sink = http::body_sink(client, chunked_out);
  if (!http::read_body(from, f, sink)) return false;
  return f.how == http::framing::none || sink(std::nullopt, std::nullopt);
}

}  // namespace

void forward(socket client, const settings& s) {
  client.settimeout(s.idle_timeout);
  client.setoption("tcp-nodelay", true);
  http::reader in(http::socket_fill(client));
  upstream up;
  for (;;) {
    auto line = in.line_view("request line");
    if (!line) {
      if (line.error() == errc::protocol_error) answer(client, 400, "Bad Request", line.error().message());
      break;
    }
    if (line->empty()) continue;  // RFC 9112 2.2: tolerate a blank line before a request
    auto req = parse_request_line(*line);
    if (!req) {
      answer(client, 400, "Bad Request", "malformed request line");
      break;
    }
    auto fields = http::read_headers(in);
    if (!fields) {
      answer(client, 400, "Bad Request", "malformed request headers: " + fields.error().message());
      break;
    }

    if (req->method == "CONNECT") {
      auto hp = host_port(req->target, 443);
      if (!hp) {
        answer(client, 400, "Bad Request", "CONNECT needs host:port");
        break;
      }
      auto tunnel = wrap(tcp());
      tunnel.settimeout(s.idle_timeout);
      if (auto ok = tunnel.connect(hp->first, hp->second); !ok) {
        answer(client, 502, "Bad Gateway",
               "cannot connect to " + req->target + ": " + ok.error().message());
        break;
      }
      tunnel.setoption("tcp-nodelay", true);
      if (!client.send("HTTP/1.1 200 Connection Established\r\n\r\n")) break;
      if (up.sock) up.sock.close();
      relay(client, tunnel, s, in.take_buffered());
      return;
    }

    auto u = url::parse(req->target);
    if (!u || !u->scheme || ascii::lower(*u->scheme) != "http" || !u->host || u->host->empty()) {
      answer(client, 400, "Bad Request", "a proxy request needs an absolute http:// URL");
      break;
    }
    auto port = host_port(*u->host + (u->port && !u->port->empty() ? ":" + *u->port : ""), 80);
    if (!port) {
      answer(client, 400, "Bad Request", "invalid host or port in " + req->target);
      break;
    }
    auto req_framing = http::request_framing(*fields);
    if (!req_framing) {
      answer(client, 400, "Bad Request", req_framing.error().message());
      break;
    }
    std::string key = port->first + ":" + std::to_string(port->second);
    bool client_close = wants_close(*fields, req->version);
    auto outgoing = end_to_end(std::move(*fields));
    if (!outgoing.contains("host")) outgoing.set("host", u->authority.value_or(key));
    std::string path = u->path && !u->path->empty() ? *u->path : "/";
    if (u->params) path += ";" + *u->params;
    if (u->query) path += "?" + *u->query;
    auto head = head_of(req->method + " " + path + " HTTP/1.1", outgoing, framing_header(*req_framing));

    // One retry when a kept upstream connection turns out closed before answering.
    std::optional<http::status_line> status;
    for (int attempt = 0; attempt < 2 && !status; ++attempt) {
      bool reused = up.sock && up.key == key;
      if (!reused) {
        if (up.sock) up.sock.close();
        up.sock = wrap(tcp());
        up.sock.settimeout(s.idle_timeout);
        if (auto ok = up.sock.connect(port->first, port->second); !ok) {
          answer(client, 502, "Bad Gateway", "cannot connect to " + key + ": " + ok.error().message());
          up.sock.close();
          return;
        }
        up.sock.setoption("tcp-nodelay", true);
        up.key = key;
        up.in = std::make_unique<http::reader>(http::socket_fill(up.sock));
      }
      if (!up.sock.send(head)) {
        up.sock.close();
        up.sock = {};
        if (reused) continue;
        answer(client, 502, "Bad Gateway", "cannot send the request to " + key);
        return;
      }
      if (req_framing->how != http::framing::none) {
        auto body = http::read_body(in, *req_framing, http::body_sink(up.sock, req_framing->how == http::framing::chunked));
        auto sink = http::body_sink(up.sock, req_framing->how == http::framing::chunked);
        if (!body || !sink(std::nullopt, std::nullopt)) {
          answer(client, 502, "Bad Gateway", "request body relay failed");
          up.sock.close();
          return;
        }
      }
      auto st = http::read_status(*up.in);
      if (!st && reused && st.error() == errc::closed && req_framing->how == http::framing::none) {
        up.sock.close();
        up.sock = {};
        continue;
      }
      if (!st || st->version == 9) {
        answer(client, 502, "Bad Gateway",
               "bad reply from " + key + ": " + (st ? std::string("HTTP/0.9") : st.error().message()));
        up.sock.close();
        return;
      }
      status = *st;
    }
    if (!status) {
      answer(client, 502, "Bad Gateway", "upstream " + key + " closed the connection");
      return;
    }
    auto rh = http::read_headers(*up.in);
    while (rh && status->code == 100) {  // the client did not ask for it: swallow
      auto st = http::read_status(*up.in);
      if (!st) break;
      status = *st;
      rh = http::read_headers(*up.in);
    }
    if (!rh) {
      answer(client, 502, "Bad Gateway", "bad reply headers from " + key + ": " + rh.error().message());
      up.sock.close();
      return;
    }
    auto f = http::response_framing(req->method, status->code, *rh);
    if (!f) {
      answer(client, 502, "Bad Gateway", f.error().message());
      up.sock.close();
      return;
    }
    bool upstream_close = wants_close(*rh, status->version) || f->how == http::framing::until_close;
    // A body that ends with the upstream connection goes chunked to an HTTP/1.1 client.
    http::framing to_client = *f;
    if (f->how == http::framing::until_close) to_client.how = http::framing::chunked;
    bool close_after = client_close || (to_client.how == http::framing::chunked && req->version < 11);
    std::string conn = close_after ? "Connection: close\r\n" : "";
    std::string fr = req->method == "HEAD" || f->how == http::framing::none
                         ? (rh->contains("content-length") && f->how == http::framing::none
                                ? "Content-Length: " + *rh->find("content-length") + "\r\n"
                                : "")
                         : framing_header(to_client);
    if (req->version < 11 && to_client.how == http::framing::chunked) fr.clear();
    auto response_head = head_of("HTTP/1.1 " + status->text.substr(std::min<std::size_t>(9, status->text.size())),
                                 end_to_end(std::move(*rh)), fr + conn,
                                 body_with_head(*f) ? static_cast<std::size_t>(f->length) : 0);
    if (!relay_response(client, *up.in, std::move(response_head), *f,
                        to_client.how == http::framing::chunked && req->version >= 11))
      break;
    if (upstream_close) {
      up.sock.close();
      up.sock = {};
    }
    if (close_after) break;
  }
  if (up.sock) up.sock.close();
  client.close();
}

}  // namespace copas::proxy
