#include "connection.hpp"

#include <copas/http/pool.hpp>
#include <copas/http/reader.hpp>

namespace copas::http::detail {

namespace {

// TLS parameters for a request: the caller's, else the secure defaults; always a client.
ssl_params tls_for(const request_params& p) {
  ssl_params sp = p.sslparams ? *p.sslparams : ssl_params{};
  if (!sp.wrap) sp.wrap.emplace();
  sp.wrap->mode = "client";
  return sp;
}

std::string pool_key(const request_params& p, const target& t, const std::optional<proxy>& px) {
  std::string key = t.key();
  if (px) key += "|via " + px->host + ":" + std::to_string(px->port);
  if (t.scheme == "https") {
    auto sp = tls_for(p);
    key += "|" + sp.wrap->protocol + "|" + sp.wrap->cafile + "|" + sp.wrap->capath + "|" +
           sp.wrap->certificate;
    for (auto& v : sp.wrap->verify) key += "," + v;
    if (sp.sni)
      if (auto* n = std::get_if<std::string>(&sp.sni->names)) key += "|sni " + *n;
  }
  return key;
}

// Asks the proxy for a tunnel to t.host:t.port (RFC 9110 9.3.6).
result<void> tunnel(const request_params& p, connection& c, const target& t, const proxy& px) {
  std::string authority = (t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host) +
                          ":" + std::to_string(t.port);
  std::string req = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
  if (px.authorization) req += "Proxy-Authorization: " + *px.authorization + "\r\n";
  req += "\r\n";
  tell(p, phase::tunnel, &c, req);
  if (auto r = c.sock.send(req); !r) return r.error();
  // Byte by byte is not needed: the proxy sends nothing after its reply until our ClientHello.
  reader in(c.sock, p.limits);
  auto st = read_status(in);
  if (!st) return st.error();
  if (auto h = read_headers(in); !h) return h.error();
  if (st->code < 200 || st->code > 299)
    return error(errc::protocol_error, "proxy CONNECT to " + authority + " refused: " + st->text);
  if (!in.take_buffered().empty())
    return error(errc::protocol_error, "proxy sent data after its CONNECT reply");
  return {};
}

}  // namespace

result<connection> open(const request_params& p, const target& t, const std::optional<proxy>& px,
                        bool allow_reuse) {
  auto to = p.timeout.resolve();
  connection c;
  c.key = pool_key(p, t, px);
  c.peer_host = px ? px->host : t.host;
  c.peer_port = px ? px->port : t.port;
  bool poolable = p.keepalive && !p.create;
  if (poolable && allow_reuse) {
    if (auto s = pool::take(c.key)) {
      c.sock = std::move(*s);
      c.sock.settimeouts(to.connect, to.send, to.receive);
      c.reused = true;
      learn_addresses(p, c);
      tell(p, phase::connect, &c);
      return c;
    }
  }
  c.sock = p.create ? p.create(p) : wrap(tcp());
  c.sock.settimeouts(to.connect, to.send, to.receive);
  tell(p, phase::connect, &c);
  std::string address = c.peer_host;
  if (p.connect_to)
    if (auto a = p.connect_to(c.peer_host, c.peer_port)) address = *a;
  if (auto ok = c.sock.connect(address, c.peer_port); !ok) {
    if (p.observer) tell(p, phase::connect_failed, &c, ok.error().message());
    c.sock.close();
    return ok.error();
  }
  pool::count_open();
  learn_addresses(p, c);
  c.sock.setoption("tcp-nodelay", true);
  if (px && t.scheme == "https") {
    if (auto ok = tunnel(p, c, t, *px); !ok) {
      c.sock.close();
      return ok.error();
    }
  }
  if (t.scheme == "https") {
    auto sp = tls_for(p);
    bool own_sni = sp.sni && std::holds_alternative<std::string>(sp.sni->names) &&
                   !std::get<std::string>(sp.sni->names).empty();
    if (!own_sni) c.sock.sni(sni_params{.names = t.host, .strict = false});
    tell(p, phase::handshake, &c);
    if (auto ok = c.sock.handshake(sp); !ok) {
      c.sock.close();
      return ok.error();
    }
  }
  return c;
}

}  // namespace copas::http::detail
