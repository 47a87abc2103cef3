#include "http_test.hpp"

#include "temp_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <list>
#include <stdexcept>

namespace copas::test {

std::string reply(int code, std::string body, const std::string& extra_headers) {
  return "HTTP/1.1 " + std::to_string(code) +
         " Reason\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers +
         "\r\n" + body;
}

copas::socket serve_raw(std::function<void(copas::socket)> handler, std::optional<ssl_params> tls) {
  auto server = copas::bind("127.0.0.1", 0).value();
  copas::addserver(server, copas::handler(std::move(handler), std::move(tls)));
  return server;
}

copas::socket serve(responder respond, std::optional<ssl_params> tls) {
  return serve_raw(
      [respond = std::move(respond)](copas::socket c) {
        http::reader in(c);
        for (;;) {
          seen_request req;
          auto line = in.line();
          if (!line) return;
          req.line = *line;
          auto h = http::read_headers(in);
          if (!h) return;
          req.headers = std::move(*h);
          auto f = http::request_framing(req.headers);
          if (!f) return;
          std::vector<std::string> parts;
          if (!http::read_body(in, *f, ltn12::sink::table(parts))) return;
          for (auto& p : parts) req.body += p;
          if (!respond(c, req)) return;
        }
      },
      std::move(tls));
}

std::uint16_t free_port() {
  auto s = copas::bind("127.0.0.1", 0).value();
  auto port = port_of(s);
  s.close();
  return port;
}

std::string temp_dir(const char* tag) {
  // Each kept until the test process exits, which removes it with its contents (ctest runs each
  // test as a process of its own, and each made its own PKI here: hundreds of directories were
  // left in /tmp by one run of the suite). `struct`: inside this function the name is the function.
  static std::list<struct temp_dir> made;
  return made.emplace_back(std::string("http-") + tag).path;
}

const test_pki& pki() {
  static const test_pki made = [] {
    test_pki p;
    p.dir = temp_dir("pki");
    p.ca = p.dir + "/ca.pem";
    p.cert = p.dir + "/localhost.pem";
    p.key = p.dir + "/localhost.key";
    std::ofstream(p.dir + "/san.ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                         "basicConstraints=CA:FALSE\n";
    std::string d = p.dir;
    std::string cmd =
        "cd " + d +
        " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem"
        " -days 2 -subj /CN=copas-http-test-ca >/dev/null 2>&1"
        " && openssl req -newkey rsa:2048 -nodes -keyout localhost.key -out localhost.csr"
        " -subj /CN=localhost >/dev/null 2>&1"
        " && openssl x509 -req -in localhost.csr -CA ca.pem -CAkey ca.key -CAcreateserial"
        " -out localhost.pem -days 2 -extfile san.ext >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl CLI failed: " + cmd);
    return p;
  }();
  return made;
}

ssl_params server_tls() {
  tls_params t;
  t.mode = "server";
  t.certificate = pki().cert;
  t.key = pki().key;
  return ssl_params{.wrap = t, .sni = std::nullopt};
}

ssl_params client_tls() {
  tls_params t;
  t.mode = "client";
  t.cafile = pki().ca;
  return ssl_params{.wrap = t, .sni = std::nullopt};
}

void finish_servers(std::initializer_list<copas::socket> servers) {
  http::pool::clear();
  for (auto& s : servers) copas::removeserver(s);
}

}  // namespace copas::test
