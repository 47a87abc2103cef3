#pragma once
// Certificates for the TLS tests, made with the OpenSSL API in a fresh temporary directory:
// a CA, leaf certificates it signs (good, wrong name, expired) and a self-signed one.

#include <copas/net/ssl_params.hpp>

#include <string>

namespace copas::test {

struct cert_files {
  std::string cert, key;
};

struct test_pki {
  std::string dir;
  std::string ca;          // CA certificate (PEM)
  cert_files localhost;    // CN/SAN localhost + IP 127.0.0.1 + ::1, signed by the CA
  cert_files myhost;       // SAN myhost.com, signed by the CA
  cert_files expired;      // localhost, signed by the CA, expired yesterday
  cert_files self_signed;  // localhost, self-signed
  cert_files client;       // a client certificate signed by the CA
};

// Made once per process.
const test_pki& pki();

// A server presenting `f`, and a client trusting the test CA (verification on, as by default).
inline tls_params server_params(const cert_files& f) {
  return {.mode = "server", .certificate = f.cert, .key = f.key};
}
inline tls_params client_params() { return {.mode = "client", .cafile = pki().ca}; }

}  // namespace copas::test
