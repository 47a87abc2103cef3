// net: a TCP echo server and client on loopback, then the same over TLS with a certificate the
// demo makes (openssl CLI), verified by the client against it.
#include "section.hpp"

#include <copas/core.hpp>
#include <copas/net.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace {

// A one-line echo server; returns the port it listens on.
std::uint16_t echo_server(copas::socket server, std::optional<copas::ssl_params> tls) {
  copas::addserver(
      server,
      copas::handler(
          [server](copas::socket c) {
            auto line = c.receive();
            std::printf("   server %s got '%s' from %s, echoing\n", copas::getthreadname().c_str(),
                        line.value_or_partial().c_str(), c.getpeername().value().ip.c_str());
            c.send(line.value_or_partial() + "\n");
            copas::removeserver(server);
          },
          std::move(tls)),
      5, "demo-echo");
  return server.getsockname().value().port;
}

std::string make_certificate(const std::string& dir) {
  std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + dir +
      "/key.pem -out " + dir + "/cert.pem -subj /CN=localhost -days 1 " +
      "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null";
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error("openssl could not make a certificate");
  return dir + "/cert.pem";
}

}  // namespace

COPAS_DEMO_SECTION(20, "net: TCP and TLS echo on loopback, fibers on both ends") {
  copas::loop([] {
    auto port = echo_server(copas::bind("127.0.0.1", 0).value(), std::nullopt);
    auto c = copas::wrap(copas::tcp());
    c.settimeout(5);
    c.connect("localhost", port).value();
    std::printf("   client connected to localhost:%u, sending 'hello over tcp'\n", port);
    c.send("hello over tcp\n");
    std::printf("   client received '%s'\n", c.receive().value().c_str());
    c.close();
  });

  char tmpl[] = "/tmp/copas-demo-tls-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  auto cert = make_certificate(dir);
  std::printf("   made a self-signed certificate for localhost in %s\n", dir.c_str());
  copas::loop([&] {
    copas::ssl_params server_tls{
        .wrap = copas::tls_params{.mode = "server", .certificate = cert, .key = dir + "/key.pem"}};
    auto port = echo_server(copas::bind("127.0.0.1", 0).value(), server_tls);
    // The client trusts exactly that certificate; host name and chain are checked by default.
    auto c =
        copas::wrap(copas::tcp(),
                    copas::ssl_params{.wrap = copas::tls_params{.mode = "client", .cafile = cert}});
    c.settimeout(5);
    c.connect("localhost", port).value();
    std::printf("   TLS client verified the server certificate for 'localhost' (is_tls: %s)\n",
                c.is_tls() ? "yes" : "no");
    c.send("hello over tls\n");
    std::printf("   client received '%s' over TLS\n", c.receive().value().c_str());
    c.close();
  });
  std::filesystem::remove_all(dir);
}
