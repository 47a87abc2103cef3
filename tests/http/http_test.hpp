#pragma once
// Shared bits of the http tests: in-process fiber HTTP servers for odd peer behaviour, a test
// CA made with the openssl CLI, and free loopback ports.

#include <gtest/gtest.h>
#include <copas/core.hpp>
#include <copas/http.hpp>
#include <copas/net.hpp>

#include "fake_dns_server.hpp"  // fake_dns(): NXDOMAIN for every name unless given a zone

#include <cstdint>
#include <functional>
#include <string>

namespace copas::test {

inline std::uint16_t port_of(const copas::socket& s) { return s.getsockname().value().port; }

// A request as the fiber server saw it.
struct seen_request {
  std::string line;  // "GET /x HTTP/1.1"
  http::headers headers;
  std::string body;
};

// Answers one request on `client` (write the whole response with client.send). Return false to
// close the connection afterwards.
using responder = std::function<bool(copas::socket& client, const seen_request& req)>;

// A loopback HTTP/1.1 server in this dispatcher: parses each request (head and body, keep-alive)
// and hands it to `respond`. Optional TLS. Returns the listener (removeserver it at the end).
copas::socket serve(responder respond, std::optional<ssl_params> tls = std::nullopt);

// A server whose handler gets the raw connection (for byte-exact odd behaviour).
copas::socket serve_raw(std::function<void(copas::socket)> handler,
                        std::optional<ssl_params> tls = std::nullopt);

// "HTTP/1.1 <code> <reason>" + headers + body with a content-length.
std::string reply(int code, std::string body, const std::string& extra_headers = {});

// A port nobody listens on (bound then closed).
std::uint16_t free_port();

// Test PKI made once per process with the openssl CLI: a CA and a localhost certificate
// (SAN localhost, 127.0.0.1) signed by it.
struct test_pki {
  std::string dir, ca, cert, key;
};
const test_pki& pki();

// TLS parameters for a fiber server / a client trusting the test CA.
ssl_params server_tls();
ssl_params client_tls();

// Makes a fresh temporary directory, /tmp/copas-http-<tag>-XXXXXX, removed with its contents when
// the test process exits.
std::string temp_dir(const char* tag);

// Ends a test's loop cleanly: closes pooled connections and removes the servers.
void finish_servers(std::initializer_list<copas::socket> servers);

}  // namespace copas::test
