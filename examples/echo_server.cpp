// echo_server [PORT]: a line echo server on 127.0.0.1, one fiber per connection.
//
//   $ ./echo_server 7000 &
//   $ printf 'hello\nworld\n' | nc -q1 127.0.0.1 7000
//
// Each connection's handler reads like blocking code: receive() parks only this connection's
// fiber until a whole line is there, so a thousand slow clients cost a thousand small stacks,
// not a thousand threads.
#include <copas/core.hpp>
#include <copas/net.hpp>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  auto port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 0);
  auto server = copas::bind("127.0.0.1", port);
  if (!server) {
    std::fprintf(stderr, "echo_server: cannot listen on 127.0.0.1:%u: %s\n", port,
                 server.error().message().c_str());
    return 1;
  }
  std::printf("echo_server: listening on 127.0.0.1:%u\n", server->getsockname()->port);
  std::fflush(stdout);

  copas::addserver(*server, [](copas::socket client) {
    // A line at a time, as LuaSocket's receive("*l"); "closed" when the peer hangs up.
    while (auto line = client.receive()) {
      if (!client.send(*line + "\n")) break;
    }
  });
  copas::loop();
}
