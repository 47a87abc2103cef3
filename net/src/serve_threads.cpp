#include <copas/core.hpp>
#include <copas/net/serve_threads.hpp>

#include <unistd.h>

#include <thread>
#include <vector>

namespace copas {

namespace {

// A listener as a bare fd: a copas::socket belongs to the dispatcher of the thread that made
// it, so each serving thread adopts its own fd (wrap(int)) on that thread.
result<int> listening_fd(const listen_options& o, std::uint16_t port) {
  auto s = tcp();
  if (o.threads > 1)
    for (auto option : {"reuseaddr", "reuseport"})
      if (auto ok = s.setoption(option, true); !ok) return ok.error();
  if (o.threads == 1)
    if (auto ok = s.setoption("reuseaddr", true); !ok) return ok.error();
  if (auto ok = s.bind(o.host, port); !ok) return ok.error();
  if (auto ok = s.listen(o.backlog); !ok) return ok.error();
  int fd = ::dup(s.getfd());
  if (fd < 0) return error(std::error_code(errno, std::system_category()));
  s.close();
  return fd;
}

}  // namespace

result<void> serve_threads(const listen_options& options,
                           const std::function<void(socket, unsigned)>& start,
                           const std::function<void(std::uint16_t)>& on_listening) {
  if (options.threads == 0)
    return error(errc::invalid_argument, "serve_threads needs at least one thread");
  std::vector<int> fds;
  std::uint16_t port = options.port;
  for (unsigned i = 0; i < options.threads; ++i) {
    auto fd = listening_fd(options, port);
    if (!fd) {
      for (int f : fds) ::close(f);
      return fd.error();
    }
    fds.push_back(*fd);
    if (i == 0) port = wrap(::dup(*fd)).getsockname().value().port;  // port 0: the others join it
  }
  if (on_listening) on_listening(port);
  auto serve = [&](unsigned i) {
    start(wrap(fds[i]), i);
    loop();
  };
  std::vector<std::jthread> others;
  for (unsigned i = 1; i < options.threads; ++i) others.emplace_back(serve, i);
  serve(0);
  return {};
}

}  // namespace copas
