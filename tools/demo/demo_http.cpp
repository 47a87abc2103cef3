// The http section: copas::http::request fetching https://localhost through a forward proxy
// (copas::http::proxy's CONNECT tunnel, served in-process) from a fiber HTTPS server, with a test
// CA made on the spot by the openssl CLI.
#include "section.hpp"

#include <copas/core.hpp>
#include <copas/http.hpp>
#include <copas/net.hpp>

#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>

COPAS_DEMO_SECTION(
    60,
    "http: https fetch through a copas::http::proxy forward proxy (CONNECT) from a fiber server") {
  std::string dir = "/tmp/copas-demo-http-XXXXXX";
  if (!::mkdtemp(dir.data())) throw std::runtime_error("mkdtemp failed");
  std::string cmd =
      "cd " + dir +
      " && printf 'subjectAltName=DNS:localhost\\n' > san.ext"
      " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1"
      " -subj /CN=demo-ca >/dev/null 2>&1"
      " && openssl req -newkey rsa:2048 -nodes -keyout key.pem -out req.csr -subj /CN=localhost"
      " >/dev/null 2>&1 && openssl x509 -req -in req.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
      " -out cert.pem -days 1 -extfile san.ext >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl CLI failed");

  copas::tls_params server_tls;
  server_tls.mode = "server";
  server_tls.certificate = dir + "/cert.pem";
  server_tls.key = dir + "/key.pem";
  auto origin = copas::bind("127.0.0.1", 0).value();
  copas::addserver(
      origin, copas::handler(
                  [](copas::socket c) {
                    copas::http::reader in(c);
                    auto line = in.line();
                    if (!line || !copas::http::read_headers(in)) return;
                    std::cout << "  origin (TLS fiber server) got: " << *line << "\n";
                    std::string body = "hello from a fiber over TLS\n";
                    c.send("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\nConnection: close\r\n\r\n" + body);
                  },
                  copas::ssl_params{.wrap = server_tls, .sni = std::nullopt}));

  auto proxy = copas::bind("127.0.0.1", 0).value();
  copas::http::proxy::upstream_pool upstreams;
  copas::http::server forward_proxy(
      copas::http::proxy::forward_proxy(upstreams, {.idle_timeout = 5}));
  forward_proxy.serve(proxy);

  copas::http::request_params p;
  p.url = "https://localhost:" + std::to_string(origin.getsockname()->port) + "/hello";
  p.proxy = "http://127.0.0.1:" + std::to_string(proxy.getsockname()->port);
  p.sslparams = copas::ssl_params{};
  p.sslparams->wrap.emplace();
  p.sslparams->wrap->mode = "client";
  p.sslparams->wrap->cafile = dir + "/ca.pem";
  p.observer = [](const copas::http::event& e) {
    if (e.what == copas::http::phase::tunnel) std::cout << "  client: CONNECT through the proxy\n";
    if (e.what == copas::http::phase::handshake)
      std::cout << "  client: TLS handshake, verified against the demo CA\n";
  };
  std::vector<std::string> body;
  p.sink = copas::ltn12::sink::table(body);
  auto r = copas::http::request(std::move(p));
  if (!r) throw std::runtime_error("http demo failed: " + r.error().message());
  std::cout << "  client: " << r->status << ", body: ";
  for (auto& b : body) std::cout << b;
  copas::http::pool::clear();
  copas::removeserver(origin);
  forward_proxy.shutdown(1);
  std::system(("rm -rf " + dir).c_str());
}
