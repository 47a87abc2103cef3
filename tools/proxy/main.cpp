// copas-proxy --listen HOST:PORT [--upstream HOST:PORT]: an HTTP/1.1 forward proxy (with CONNECT)
// or, with --upstream, a plain TCP relay. SIGINT/SIGTERM stop accepting, let open connections
// finish for --grace seconds, then close them and exit 0.
#include "proxy.hpp"

#include <copas/core.hpp>
#include <copas/net.hpp>

#include <CLI/CLI.hpp>

#include <sys/resource.h>

#include <csignal>
#include <iostream>
#include <set>

namespace {

volatile std::sig_atomic_t stop_requested = 0;
void on_signal(int) { stop_requested = 1; }

bool split(const std::string& s, std::string& host, std::uint16_t& port) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  host = s.substr(0, colon);
  if (host.starts_with("[") && host.ends_with("]")) host = host.substr(1, host.size() - 2);
  try {
    int p = std::stoi(s.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (...) {
    return false;
  }
  return !host.empty();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"copas-proxy: HTTP/1.1 forward proxy with CONNECT, or a TCP relay (--upstream)"};
  std::string listen, upstream;
  double grace = 5;
  copas::proxy::settings settings;
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0: any; the port is printed)")->required();
  app.add_option("--upstream", upstream, "relay every connection to HOST:PORT instead of proxying HTTP");
  app.add_option("--grace", grace, "seconds open connections may finish after SIGINT/SIGTERM (default 5)");
  app.add_option("--timeout", settings.idle_timeout, "seconds one read or write may wait (default 60)");
  CLI11_PARSE(app, argc, argv);

  std::string lhost, uhost;
  std::uint16_t lport = 0, uport = 0;
  if (!split(listen, lhost, lport)) {
    std::cerr << "copas-proxy: --listen needs HOST:PORT\n";
    return 2;
  }
  if (!upstream.empty() && !split(upstream, uhost, uport)) {
    std::cerr << "copas-proxy: --upstream needs HOST:PORT\n";
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  // Two descriptors per proxied connection: thousands of them need more than the usual 1024.
  if (rlimit r{}; ::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
  }

  auto server = copas::bind(lhost, lport, 4096);
  if (!server) {
    std::cerr << "copas-proxy: cannot listen on " << listen << ": " << server.error().message() << "\n";
    return 1;
  }
  std::cout << "copas-proxy listening on " << lhost << ":" << server->getsockname()->port
            << (upstream.empty() ? " (HTTP forward proxy)" : " (relay to " + upstream + ")") << std::endl;

  std::set<copas::socket*> open;  // live client connections, closed when the grace period ends
  copas::autoclose(true);
  copas::addserver(*server, [&](copas::socket client) {
    open.insert(&client);
    struct leave {
      std::set<copas::socket*>& set;
      copas::socket* s;
      ~leave() { set.erase(s); }
    } guard{open, &client};
    if (upstream.empty()) copas::proxy::forward(client, settings);
    else copas::proxy::relay_to(client, uhost, uport, settings);
  });
  copas::addthread([&] {
    while (!stop_requested) copas::pause(0.05);
    copas::removeserver(*server);
    auto until = copas::gettime() + grace;
    while (!open.empty() && copas::gettime() < until) copas::pause(0.05);
    for (auto* s : std::set<copas::socket*>(open)) s->close();
  });
  copas::loop();
  return 0;
}
