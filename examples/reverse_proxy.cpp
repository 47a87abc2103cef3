// A logging reverse proxy: every request to 127.0.0.1:LISTEN goes to the upstream over kept-alive
// connections, and one line per request goes to stderr (method, target, status, bytes, ms).
//
//   reverse_proxy 8080 127.0.0.1 8000
//   curl http://127.0.0.1:8080/        ->  GET / 200 612 B 0.4 ms
#include <copas/core.hpp>
#include <copas/http.hpp>
#include <copas/net.hpp>

#include <csignal>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s LISTEN_PORT UPSTREAM_HOST UPSTREAM_PORT\n", argv[0]);
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  auto listener = copas::bind("127.0.0.1", static_cast<std::uint16_t>(std::stoi(argv[1])), 1024);
  if (!listener) {
    std::fprintf(stderr, "cannot listen on port %s: %s\n", argv[1],
                 listener.error().message().c_str());
    return 1;
  }
  copas::http::proxy::upstream_pool pool;
  auto forward = copas::http::proxy::reverse_proxy(
      {argv[2], static_cast<std::uint16_t>(std::stoi(argv[3]))}, pool);

  // The proxy is a request handler; logging wraps it.
  copas::http::server web([&](copas::http::exchange& ex) {
    double start = copas::gettime();
    forward(ex);
    std::fprintf(stderr, "%s %s %d %llu B %.1f ms\n", ex.method().c_str(), ex.target().c_str(),
                 ex.status(), static_cast<unsigned long long>(ex.body_bytes_sent()),
                 (copas::gettime() - start) * 1000);
  });
  web.serve(*listener);
  std::printf("reverse proxy on 127.0.0.1:%u -> %s:%s\n", listener->getsockname()->port, argv[2],
              argv[3]);
  std::fflush(stdout);

  // Ctrl-C: stop accepting, give open requests 2 s, close the rest.
  static volatile std::sig_atomic_t stop = 0;
  std::signal(SIGINT, [](int) { stop = 1; });
  copas::addthread([&] {
    while (!stop) copas::pause(0.1);
    web.shutdown(2);
    pool.clear();
  });
  copas::loop();
}
