#pragma once
// Certificates for the TLS tests, made with the OpenSSL API in a fresh temporary directory:
// a CA, leaf certificates it signs (good, wrong name, expired) and a self-signed one.

#include <string>

namespace copas::test {

struct cert_files {
  std::string cert, key;
};

struct test_pki {
  std::string dir;
  std::string ca;               // CA certificate (PEM)
  cert_files localhost;         // CN/SAN localhost + IP 127.0.0.1 + ::1, signed by the CA
  cert_files myhost;            // SAN myhost.com, signed by the CA
  cert_files expired;           // localhost, signed by the CA, expired yesterday
  cert_files self_signed;       // localhost, self-signed
  cert_files client;            // a client certificate signed by the CA
};

// Made once per process.
const test_pki& pki();

}  // namespace copas::test
