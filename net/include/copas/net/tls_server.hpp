#pragma once
// A TLS server's contexts, compiled once and replaceable while serving: certificate rotation
// without a restart.
//
//   copas::tls_server tls(copas::ssl_params{.wrap = copas::tls_params{
//       .mode = "server", .certificate = "cert.pem", .key = "key.pem"}});
//   copas::addserver(server, copas::handler(echo, tls), 10, "echo");
//   ...
//   if (auto ok = tls.reload(); !ok) log(ok.error().message());   // e.g. on SIGHUP
//
// A reload compiles the parameters again (the files are read anew); connections accepted from
// then on handshake with the new contexts, those already open keep theirs. A reload that fails
// (a missing file, a key that does not match) changes nothing and returns errc::invalid_argument
// with LuaSec's message. Copies share one set of contexts; reload() may be called from any
// thread.

#include <copas/core/error.hpp>
#include <copas/net/ssl_params.hpp>

#include <memory>

#include <copas/core/api_prefix.hpp>

namespace copas {

namespace detail {
struct server_tls;
}

class tls_server {
 public:
  // Compiles `params` (wrap and/or sni, or a server tls_context); throws std::invalid_argument
  // with LuaSec's message.
  explicit tls_server(ssl_params params);

  // Compiles the same parameters again.
  result<void> reload();
  // Compiles new parameters; on success they replace the old ones.
  result<void> reload(ssl_params params);

  // The contexts in force (what a connection accepted now handshakes with).
  std::shared_ptr<detail::server_tls> contexts() const;

 private:
  struct state;
  std::shared_ptr<state> st_;
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
