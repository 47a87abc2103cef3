// copas-echo --listen HOST:PORT [--tls-cert FILE --tls-key FILE [--handshake-timeout SECONDS]]
//
// Echoes every byte back on each connection, one fiber per connection. Prints
// "listening on HOST:PORT" (the real port when 0 was asked) and closes every connection cleanly
// on SIGINT or SIGTERM. With TLS: a handshake not done within --handshake-timeout seconds of
// the accept (default 10; 0: none) is dropped, and every failed handshake is one line on
// stderr; SIGHUP reads the certificate and key files again (rotation without a restart) and
// says "copas-echo: reloaded TLS certificate" (or why not, keeping the old one) on stderr.
#include <copas/core.hpp>
#include <copas/net.hpp>

#include <CLI/CLI.hpp>
#include <event2/event.h>

#include <csignal>
#include <iostream>
#include <cstdio>
#include <memory>
#include <set>
#include <string>

namespace {

struct endpoint_arg {
  std::string host;
  std::uint16_t port = 0;
};

// "127.0.0.1:8080", "[::1]:8080", "*:0".
endpoint_arg parse_listen(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) throw CLI::ValidationError("--listen", "expected HOST:PORT");
  endpoint_arg e{s.substr(0, colon), 0};
  if (e.host.size() >= 2 && e.host.front() == '[' && e.host.back() == ']')
    e.host = e.host.substr(1, e.host.size() - 2);
  int port = std::stoi(s.substr(colon + 1));
  if (port < 0 || port > 65535) throw CLI::ValidationError("--listen", "port out of range");
  e.port = static_cast<std::uint16_t>(port);
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"copas-echo: a TCP/TLS echo server on copas-cpp"};
  std::string listen, cert, key;
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port)")->required();
  auto* cert_opt = app.add_option("--tls-cert", cert, "PEM certificate: serve TLS")->check(CLI::ExistingFile);
  auto* key_opt = app.add_option("--tls-key", key, "PEM private key")->check(CLI::ExistingFile);
  double handshake_timeout = 10;
  app.add_option("--handshake-timeout", handshake_timeout,
                 "TLS: seconds from accept to the end of the handshake (0: no limit)")
      ->check(CLI::NonNegativeNumber)
      ->needs(cert_opt);
  cert_opt->needs(key_opt);
  key_opt->needs(cert_opt);
  CLI11_PARSE(app, argc, argv);

  endpoint_arg where;
  try {
    where = parse_listen(listen);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "copas-echo: bad --listen '%s': %s\n", listen.c_str(), e.what());
    return 2;
  }
  auto server = copas::bind(where.host, where.port, 1024);
  if (!server) {
    std::fprintf(stderr, "copas-echo: cannot listen on %s: %s\n", listen.c_str(),
                 server.error().message().c_str());
    return 1;
  }
  std::optional<copas::tls_server> tls;
  if (!cert.empty()) {
    try {
      tls.emplace(copas::ssl_params{
          .wrap = copas::tls_params{.mode = "server", .certificate = cert, .key = key}});
    } catch (const std::exception& e) {
      std::fprintf(stderr, "copas-echo: bad TLS certificate or key: %s\n", e.what());
      return 2;
    }
  }

  // The open connections, to close them on a signal (a socket handle is a shared pointer).
  auto clients = std::make_shared<std::set<std::shared_ptr<copas::detail::socket_impl>>>();
  copas::connection_handler echo = [clients](copas::socket c) {
    clients->insert(c.shared_impl());
    c.setoption("tcp-nodelay", true);  // an echo answers at once; no Nagle delay
    for (;;) {
      // receivepartial(all) hands over whatever arrived: the bytes go straight back.
      auto r = c.receivepartial(copas::all);
      const std::string& data = r.data_or_partial();
      if (!data.empty() && !c.send(data)) break;
      if (!r && r.error() != copas::errc::timeout) break;
    }
    clients->erase(c.shared_impl());
  };

  auto bound = server->getsockname().value();
  std::printf("listening on %s:%u%s\n", bound.ip.c_str(), bound.port, tls ? " (tls)" : "");
  std::fflush(stdout);

  // SIGINT / SIGTERM arrive as libevent signal events on the dispatcher: stop accepting, close
  // every connection (TLS sends close_notify), and let loop() return.
  auto* base = copas::dispatcher::current().base();
  auto stop = [](evutil_socket_t, short, void* arg) {
    auto* ctx = static_cast<std::pair<copas::socket*, decltype(clients)*>*>(arg);
    copas::removeserver(*ctx->first);
    for (auto& impl : *(*ctx->second)) copas::socket(impl).close();
  };
  std::pair<copas::socket*, decltype(clients)*> ctx{&*server, &clients};
  event* sigint = evsignal_new(base, SIGINT, stop, &ctx);
  event* sigterm = evsignal_new(base, SIGTERM, stop, &ctx);
  event_add(sigint, nullptr);
  event_add(sigterm, nullptr);
  // SIGUSR1: what every fiber is doing, as a table on stderr.
  event* sigusr1 = evsignal_new(base, SIGUSR1, [](evutil_socket_t, short, void*) { copas::dump(std::cerr); }, nullptr);
  event_add(sigusr1, nullptr);
  auto reload = [](evutil_socket_t, short, void* arg) {
    auto& t = *static_cast<std::optional<copas::tls_server>*>(arg);
    if (!t) return;
    if (auto ok = t->reload()) std::fprintf(stderr, "copas-echo: reloaded TLS certificate\n");
    else std::fprintf(stderr, "copas-echo: TLS reload failed, keeping the old certificate: %s\n",
                      ok.error().message().c_str());
  };
  event* sighup = evsignal_new(base, SIGHUP, reload, &tls);
  event_add(sighup, nullptr);

  copas::connection_handler serve =
      tls ? copas::handler(echo, *tls, copas::handler_options{.handshake_timeout = handshake_timeout})
          : copas::handler(echo);
  copas::addserver(*server, serve, std::nullopt, "echo");
  copas::loop();
  event_free(sigint);
  event_free(sigterm);
  event_free(sigusr1);
  event_free(sighup);
  std::printf("copas-echo: stopped\n");
  return 0;
}
