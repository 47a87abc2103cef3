// copas-echo --listen HOST:PORT [--tls-cert FILE --tls-key FILE [--handshake-timeout SECONDS]]
//            [--threads N]
//
// Echoes every byte back on each connection, one fiber per connection. Prints
// "listening on HOST:PORT" (the real port when 0 was asked) and closes every connection cleanly
// on SIGINT or SIGTERM. --threads N: N dispatchers on the address (copas::serve_threads).
// With TLS: a handshake not done within --handshake-timeout seconds of the accept (default 10;
// 0: none) is dropped, and every failed handshake is one line on stderr; SIGHUP reads the
// certificate and key files again (rotation without a restart) and says "copas-echo: reloaded
// TLS certificate" (or why not, keeping the old one) on stderr. SIGUSR1 prints what every fiber
// is doing, as a table on stderr.
#include <copas/core.hpp>
#include <copas/net.hpp>

#include "command_line.hpp"
#include "signals.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>

namespace {

namespace signals = copas::tools::signals;

bool stop_requested() { return signals::count(SIGINT) + signals::count(SIGTERM) > 0; }

struct endpoint_arg {
  std::string host;
  std::uint16_t port = 0;
};

// "127.0.0.1:8080", "[::1]:8080", "*:0".
endpoint_arg parse_listen(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("expected HOST:PORT");
  endpoint_arg e{s.substr(0, colon), 0};
  if (e.host.size() >= 2 && e.host.front() == '[' && e.host.back() == ']')
    e.host = e.host.substr(1, e.host.size() - 2);
  int port = std::stoi(s.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::invalid_argument("port out of range");
  e.port = static_cast<std::uint16_t>(port);
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  copas::tools::command_line args{"copas-echo: a TCP/TLS echo server on copas-cpp"};
  std::string listen, cert, key;
  args.add("--listen", listen, "HOST:PORT to listen on (port 0: any free port)").required();
  auto& cert_opt = args.add("--tls-cert", cert, "PEM certificate: serve TLS").existing_file();
  auto& key_opt = args.add("--tls-key", key, "PEM private key").existing_file();
  double handshake_timeout = 10;
  args.add("--handshake-timeout", handshake_timeout,
           "TLS: seconds from accept to the end of the handshake (0: no limit)")
      .non_negative()
      .needs(cert_opt);
  cert_opt.needs(key_opt);
  key_opt.needs(cert_opt);
  unsigned threads = 1;
  args.add("--threads", threads, "dispatcher threads, each accepting on the address (default 1)")
      .range(1, 256);
  if (auto status = args.parse(argc, argv)) return *status;

  endpoint_arg where;
  try {
    where = parse_listen(listen);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "copas-echo: bad --listen '%s': %s\n", listen.c_str(), e.what());
    return 2;
  }
  // One compiled server context for every thread (tls_server is safe to share and to reload).
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
  signals::install({SIGINT, SIGTERM, SIGHUP, SIGUSR1});

  // Each thread: its listener, its open connections (to close them on a signal; a socket handle
  // is a shared pointer), and a fiber that stops both once a signal came.
  auto serve = [&](copas::socket server, unsigned index) {
    auto clients = std::make_shared<std::set<copas::socket>>();
    copas::connection_handler echo = [clients](copas::socket c) {
      clients->insert(c);
      c.setoption("tcp-nodelay", true);  // an echo answers at once; no Nagle delay
      // Whatever arrived goes straight back, sent from the socket's own receive buffer
      // (buffered_or_fill: a send leaves it in place), then consumed: no copy, and no string
      // per message as receivepartial() would make.
      for (;;) {
        auto got = c.buffered_or_fill();  // no receive timeout is set: an error ends the echo
        if (!got) break;
        bool sent = static_cast<bool>(c.send(*got));
        c.consume(got->size());
        if (!sent) break;
      }
      clients->erase(c);
    };
    copas::connection_handler handle =
        tls ? copas::handler(echo, *tls,
                             copas::handler_options{.handshake_timeout = handshake_timeout})
            : copas::handler(echo);
    copas::addserver(server, handle, std::nullopt, "echo");
    // Each thread hears every signal: the first one reloads the shared certificate; each prints
    // its own fibers.
    copas::addthread([server, clients, index, &tls] {
      signals::listener news;
      unsigned reloads = 0, dumps = 0;
      while (!stop_requested()) {
        news.wait();
        if (dumps != signals::count(SIGUSR1)) {
          dumps = signals::count(SIGUSR1);
          copas::dump(std::cerr);
        }
        if (index == 0 && tls && reloads != signals::count(SIGHUP)) {
          reloads = signals::count(SIGHUP);
          if (auto ok = tls->reload())
            std::fprintf(stderr, "copas-echo: reloaded TLS certificate\n");
          else
            std::fprintf(stderr, "copas-echo: TLS reload failed, keeping the old certificate: %s\n",
                         ok.error().message().c_str());
        }
      }
      copas::removeserver(server);
      for (auto c : std::set(*clients)) c.close();
    });
  };
  auto ok = copas::serve_threads(
      {.host = where.host, .port = where.port, .threads = threads, .backlog = 1024}, serve,
      [&](std::uint16_t port) {
        std::printf("listening on %s:%u%s\n", where.host.c_str(), port, tls ? " (tls)" : "");
        std::fflush(stdout);
      });
  if (!ok) {
    std::fprintf(stderr, "copas-echo: cannot listen on %s: %s\n", listen.c_str(),
                 ok.error().message().c_str());
    return 1;
  }
  std::printf("copas-echo: stopped\n");
  return 0;
}
