// copas-proxy --listen HOST:PORT [--upstream HOST:PORT | --reverse http://HOST:PORT] [--threads N]
//
// An HTTP/1.1 forward proxy (with CONNECT tunnels), or with --reverse a reverse proxy to one
// upstream (kept-alive connections to it), or with --upstream a plain TCP relay -- each a thin
// shell over copas::http::proxy and copas::http::server. SIGINT/SIGTERM stop accepting, let open
// connections finish for --grace seconds, then close them and exit 0. SIGUSR1 prints what every
// fiber of every thread is doing, as tables on stderr.
//
// --threads N runs N dispatchers, one per thread, each accepting on the address
// (copas::serve_threads: SO_REUSEPORT), as nginx's worker_processes do.
#include <copas/core.hpp>
#include <copas/http.hpp>
#include <copas/net.hpp>

#include "command_line.hpp"
#include "signals.hpp"

#include <sys/resource.h>

#include <csignal>
#include <iostream>
#include <list>
#include <memory>
#include <optional>

namespace {

namespace signals = copas::tools::signals;

// Parks the calling fiber until a stop signal; prints this thread's fibers on each SIGUSR1.
void wait_for_stop() {
  signals::listener news;
  unsigned dumped = signals::count(SIGUSR1);
  while (signals::count(SIGINT) + signals::count(SIGTERM) == 0) {
    news.wait();
    if (unsigned now = signals::count(SIGUSR1); now != dumped) {
      dumped = now;
      copas::dump(std::cerr);  // one piece: threads dumping at once do not interleave
    }
  }
}

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

// The TCP relay mode's connections, closed when the grace period ends. Each connection's fiber
// holds the server, so one still unwinding after shutdown() never touches a freed list.
struct relay_server : std::enable_shared_from_this<relay_server> {
  relay_server(copas::http::proxy::address to, copas::http::proxy::options options)
      : to(std::move(to)), options(options) {}
  copas::http::proxy::address to;
  copas::http::proxy::options options;
  std::list<copas::socket> open;
  std::optional<copas::thread> stopper;  // the fiber in shutdown(), woken as connections end

  void serve(copas::socket listener) {
    copas::addserver(listener, [self = shared_from_this()](copas::socket client) {
      auto me = self->open.insert(self->open.end(), client);
      copas::http::proxy::relay_to(client, self->to, self->options);
      self->open.erase(me);
      if (self->stopper) copas::wakeup(*self->stopper);
    });
  }
  void shutdown(double grace) {
    stopper = copas::running_thread();
    auto until = copas::gettime() + grace;
    while (!open.empty() && copas::gettime() < until) copas::pause(until - copas::gettime());
    stopper.reset();
    for (auto& s : std::list(open)) s.close();
  }
};

}  // namespace

int main(int argc, char** argv) {
  copas::tools::command_line args{
      "copas-proxy: HTTP/1.1 forward proxy with CONNECT, a reverse proxy (--reverse), or a TCP "
      "relay (--upstream)"};
  std::string listen, upstream, reverse;
  double grace = 5;
  copas::http::proxy::options options;
  args.add("--listen", listen, "HOST:PORT to listen on (port 0: any; the port is printed)")
      .required();
  auto& up_opt = args.add("--upstream", upstream,
                          "relay every connection to HOST:PORT instead of proxying HTTP");
  args.add("--reverse", reverse, "reverse proxy to http://HOST:PORT (kept-alive connections)")
      .excludes(up_opt);
  args.add("--grace", grace,
           "seconds open connections may finish after SIGINT/SIGTERM (default 5)");
  args.add(
      "--timeout", options.idle_timeout,
      "seconds a relay may stay idle both ways, and a body read or write may wait (default 60)");
  unsigned threads = 1;
  args.add("--threads", threads, "dispatcher threads, each accepting on the address (default 1)")
      .range(1, 256);
  if (auto status = args.parse(argc, argv)) return *status;

  std::string lhost;
  std::uint16_t lport = 0;
  copas::http::proxy::address to;
  if (!split(listen, lhost, lport)) {
    std::cerr << "copas-proxy: --listen needs HOST:PORT\n";
    return 2;
  }
  if (!upstream.empty() && !split(upstream, to.host, to.port)) {
    std::cerr << "copas-proxy: --upstream needs HOST:PORT\n";
    return 2;
  }
  if (!reverse.empty()) {
    auto u = copas::url::parse(reverse);
    std::string authority = u && u->scheme && *u->scheme == "http" && u->host
                                ? *u->host + ":" + u->port.value_or("80")
                                : "";
    if (authority.empty() || !split(authority, to.host, to.port) ||
        (u->path && *u->path != "/" && !u->path->empty())) {
      std::cerr << "copas-proxy: --reverse needs http://HOST[:PORT]\n";
      return 2;
    }
  }
  signals::install({SIGINT, SIGTERM, SIGUSR1});
  // Two descriptors per proxied connection: thousands of them need more than the usual 1024.
  if (rlimit r{}; ::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
  }

  std::string mode = !upstream.empty()  ? " (relay to " + upstream + ")"
                     : !reverse.empty() ? " (reverse proxy to " + reverse + ")"
                                        : " (HTTP forward proxy)";
  auto serve = [&](copas::socket listener, unsigned) {
    copas::autoclose(true);
    // Each thread's own: its pool, its server; they live as long as its loop.
    auto pool = std::make_shared<copas::http::proxy::upstream_pool>();
    if (!upstream.empty()) {
      auto relay = std::make_shared<relay_server>(to, options);
      relay->serve(listener);
      copas::addthread([=] {
        wait_for_stop();
        copas::removeserver(listener);
        relay->shutdown(grace);
      });
      return;
    }
    auto handler = reverse.empty() ? copas::http::proxy::forward_proxy(*pool, options)
                                   : copas::http::proxy::reverse_proxy(to, *pool, options);
    auto web = std::make_shared<copas::http::server>(
        handler, copas::http::server_options{.idle_timeout = options.idle_timeout,
                                             .body_timeout = options.idle_timeout});
    web->serve(listener);
    copas::addthread([=] {
      wait_for_stop();
      web->shutdown(grace);
      pool->clear();
    });
  };
  auto ok = copas::serve_threads(
      {.host = lhost, .port = lport, .threads = threads}, serve, [&](std::uint16_t port) {
        std::cout << "copas-proxy listening on " << lhost << ":" << port << mode
                  << (threads > 1 ? ", " + std::to_string(threads) + " threads" : "") << std::endl;
      });
  if (!ok) {
    std::cerr << "copas-proxy: cannot listen on " << listen << ": " << ok.error().message() << "\n";
    return 1;
  }
  return 0;
}
