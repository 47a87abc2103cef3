// bench_http_server_hello PORT: copas::http::server on one thread answering every request with
// the same small page nginx serves in http_server_proxy.sh (the same 33 bytes, text/html), for
// wrk. Prints "listening" once it accepts.
#include <copas/core.hpp>
#include <copas/http.hpp>
#include <copas/net.hpp>

#include <csignal>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::signal(SIGPIPE, SIG_IGN);
  auto listener = copas::bind("127.0.0.1", static_cast<std::uint16_t>(std::stoi(argv[1])), 4096);
  if (!listener) {
    std::fprintf(stderr, "bench_http_server_hello: cannot listen: %s\n",
                 listener.error().message().c_str());
    return 1;
  }
  const std::string page = "<html>copas-cpp wrk page</html>\n";
  const copas::http::headers fields{{"Content-Type", "text/html"}};
  copas::http::server web([&](copas::http::exchange& ex) { ex.respond(200, fields, page); });
  web.serve(*listener);
  std::printf("listening\n");
  std::fflush(stdout);
  copas::loop();
}
