// copas-proxy --listen HOST:PORT [--upstream HOST:PORT] [--threads N]: an HTTP/1.1 forward proxy
// (with CONNECT) or, with --upstream, a plain TCP relay. SIGINT/SIGTERM stop accepting, let open
// connections finish for --grace seconds, then close them and exit 0.
//
// --threads N runs N independent dispatchers, one per thread, each with its own listening socket
// on the same address (SO_REUSEPORT: the kernel spreads new connections over them), as nginx's
// worker_processes does. A connection stays on the thread that accepted it.
#include "proxy.hpp"

#include <copas/core.hpp>
#include <copas/net.hpp>

#include <CLI/CLI.hpp>

#include <sys/resource.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace {

// Lock-free, so the handler may set it; atomic, since every serving thread reads it.
std::atomic<bool> stop_requested{false};
void on_signal(int) { stop_requested = true; }
// SIGUSR1: each serving thread prints copas::dump() of its dispatcher to stderr.
std::atomic<int> dumps_requested{0};
void on_dump_signal(int) { dumps_requested.fetch_add(1); }
std::mutex dump_turn;  // one thread's table at a time

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

// Serves `server` on the calling thread's dispatcher until a signal, then lets open connections
// finish for `grace` seconds and closes the rest.
void serve(copas::socket server, const copas::connection_handler& handle, double grace) {
  std::set<copas::socket*> open;  // live client connections, closed when the grace period ends
  copas::autoclose(true);
  copas::addserver(server, [&](copas::socket client) {
    open.insert(&client);
    struct leave {
      std::set<copas::socket*>& set;
      copas::socket* s;
      ~leave() { set.erase(s); }
    } guard{open, &client};
    handle(client);  // a copy: `open` keeps pointing at this handle
  });
  copas::addthread([&] {
    int dumped = dumps_requested.load();
    while (!stop_requested) {
      copas::pause(0.05);
      if (int now = dumps_requested.load(); now != dumped) {
        dumped = now;
        std::lock_guard lock(dump_turn);
        copas::dump(std::cerr);
      }
    }
    copas::removeserver(server);
    auto until = copas::gettime() + grace;
    while (!open.empty() && copas::gettime() < until) copas::pause(0.05);
    for (auto* s : std::set<copas::socket*>(open)) s->close();
  });
  copas::loop();
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
  unsigned threads = 1;
  app.add_option("--threads", threads, "dispatcher threads, each accepting on the address (default 1)")
      ->check(CLI::Range(1u, 256u));
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
  std::signal(SIGUSR1, on_dump_signal);
  // Two descriptors per proxied connection: thousands of them need more than the usual 1024.
  if (rlimit r{}; ::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
  }

  // Several listeners on one address need SO_REUSEPORT, set before bind. A single one goes
  // without: the option would let any other process of this user bind the port too.
  auto listener = [&](std::uint16_t port) -> copas::result<copas::socket> {
    if (threads == 1) return copas::bind(lhost, port, 4096);
    auto s = copas::tcp();
    for (auto option : {"reuseaddr", "reuseport"})
      if (auto ok = s.setoption(option, true); !ok) return ok.error();
    if (auto ok = s.bind(lhost, port); !ok) return ok.error();
    if (auto ok = s.listen(4096); !ok) return ok.error();
    return s;
  };
  auto first = listener(lport);
  if (!first) {
    std::cerr << "copas-proxy: cannot listen on " << listen << ": " << first.error().message() << "\n";
    return 1;
  }
  lport = first->getsockname()->port;  // port 0: the others join the one the kernel chose
  std::cout << "copas-proxy listening on " << lhost << ":" << lport
            << (upstream.empty() ? " (HTTP forward proxy)" : " (relay to " + upstream + ")")
            << (threads > 1 ? ", " + std::to_string(threads) + " threads" : "") << std::endl;

  auto handle = [&](copas::socket client) {
    if (upstream.empty()) copas::proxy::forward(client, settings);
    else copas::proxy::relay_to(client, uhost, uport, settings);
  };
  std::vector<std::jthread> others;
  std::atomic<int> failed{0};
  for (unsigned i = 1; i < threads; ++i)
    others.emplace_back([&] {
      // Each thread's sockets belong to its own dispatcher: created on that thread.
      auto server = listener(lport);
      if (!server) {
        std::cerr << "copas-proxy: thread cannot listen on " << lhost << ":" << lport << ": "
                  << server.error().message() << "\n";
        failed = 1;
        stop_requested = true;  // all or nothing: the others stop too, and the exit says so
        return;
      }
      serve(std::move(*server), handle, grace);
    });
  serve(std::move(*first), handle, grace);
  others.clear();  // joins
  return failed;
}
