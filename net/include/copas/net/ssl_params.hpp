#pragma once
// TLS parameters, mirroring LuaSec's parameter table and Copas's {wrap = ..., sni = ...} form.
//
//   copas::ssl_params client{.wrap = copas::tls_params{.mode = "client"}};      // verifies
//   copas::ssl_params server{.wrap = copas::tls_params{
//       .mode = "server", .certificate = "cert.pem", .key = "key.pem"}};
//
// Secure by default (unlike LuaSec): a client verifies the peer's chain against the system CA
// store (or cafile/capath) and checks the host name it connected to (also sent as SNI). Only
// verify = {"none"} turns both off.
//
// Bad parameters throw std::invalid_argument with LuaSec's message: "invalid mode (x)",
// "invalid protocol (x)", "invalid verify option (x)", "invalid option (x)", or the OpenSSL
// reason for certificate/key loading ("private key does not match public key", ...).
//
// Protocol floor: "any" means TLS 1.2 and later, whatever the system's OpenSSL configuration
// allows; TLS 1.0 or 1.1 only when asked for by name ("tlsv1", "tlsv1_1"; that context also
// drops OpenSSL's security level to 0, as those versions need SHA-1).
//
// Client contexts are compiled once per dispatcher thread and parameter set (the files' paths
// and modification times count) and reused; the system CA store is loaded once per process.
// Client sessions (TLS 1.3 tickets, TLS 1.2 session IDs) are kept per thread by (host, port,
// parameters) and offered on the next connection there (see socket::session_reused()).
//
// Client certificates: `certificate` / `key` / `password` (and `certificates`) are presented
// when a server asks for one. A certificate or key that cannot be loaded fails the handshake
// with errc::local_certificate (curl: 58); a server that rejects the certificate or requires
// one that was not sent fails it (TLS 1.2) or the first receive (TLS 1.3, where the server's
// verdict comes after the client's handshake ends) with errc::certificate_rejected (curl: 56).

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

typedef struct ssl_ctx_st SSL_CTX;

#include <copas/core/api_prefix.hpp>

namespace copas {

// LuaSec's `wrap` table.
struct tls_params {
  std::string mode;              // "client" | "server" (required)
  std::string protocol = "any";  // "any" (= "sslv23"), "tlsv1", "tlsv1_1", "tlsv1_2", "tlsv1_3":
                                 // one version pins both the minimum and the maximum
  std::string certificate;       // PEM file (chain allowed)
  std::string key;               // PEM file
  std::string password;          // for an encrypted key
  struct cert_key {
    std::string certificate, key, password;
  };
  std::vector<cert_key> certificates;  // more certificates (e.g. RSA and EC)
  std::string cafile;                  // CA bundle; empty: the system's default store
  std::string capath;                  // CA directory
  std::vector<std::string> verify;     // "none", "peer", "client_once", "fail_if_no_peer_cert";
                                       // empty: client {"peer"}, server {"none"}
  std::vector<std::string> options;    // "all", "no_tlsv1", "no_ticket", ... (SSL_OP_<UPPER>)
  std::string ciphers;                 // TLS <= 1.2 cipher list
  std::string ciphersuites;            // TLS 1.3 suites
  int depth = -1;                      // verify depth; -1: OpenSSL's default
  std::vector<std::string> alpn;       // protocols offered (client) or accepted (server)
};

// A compiled LuaSec context (an SSL_CTX), shareable between connections.
class tls_context {
 public:
  // Throws std::invalid_argument with LuaSec's message for bad parameters.
  static tls_context create(const tls_params& params);

  bool is_server() const noexcept;
  bool verifies() const noexcept;  // verify is not "none"
  SSL_CTX* native() const noexcept { return ctx_.get(); }

 private:
  std::shared_ptr<SSL_CTX> ctx_;
  bool server_ = false;
  bool verify_ = false;
};

// SNI: a client sends `names` (a host name; empty: the host it connects to); a server picks its
// context by the name the client sent. `strict` (server): an unknown name fails the handshake
// with "unrecognized name" instead of falling back to the default context.
struct sni_params {
  std::variant<std::string, std::map<std::string, tls_params>> names;
  bool strict = false;
};

// Copas's normalized sslparams: no wrap (and no context) means plain TCP.
struct ssl_params {
  std::optional<tls_params> wrap;
  std::optional<sni_params> sni;
  // A context the user compiled once (tls_context::create); used instead of compiling `wrap`.
  std::optional<tls_context> context;
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
