// The baseline of the net benchmarks: an echo server written directly on libevent callbacks
// (one persistent read event per connection, read/write system calls, a write event only while
// output is pending). No fibers, no buffers beyond what the kernel could not take.
//
//   bench_net_raw_echo PORT   -- prints "listening on 127.0.0.1:PORT" and serves until SIGTERM
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

struct conn {
  event* rd = nullptr;
  event* wr = nullptr;
  std::string pending;
  int fd = -1;
};

void drop(conn* c) {
  event_free(c->rd);
  event_free(c->wr);
  close(c->fd);
  delete c;
}

void flush(conn* c) {
  while (!c->pending.empty()) {
    ssize_t n = write(c->fd, c->pending.data(), c->pending.size());
    if (n < 0) {
      if (errno == EAGAIN) {
        event_add(c->wr, nullptr);
        return;
      }
      drop(c);
      return;
    }
    c->pending.erase(0, static_cast<std::size_t>(n));
  }
  event_del(c->wr);
}

void on_read(evutil_socket_t fd, short, void* arg) {
  auto* c = static_cast<conn*>(arg);
  char buf[64 * 1024];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n <= 0) {
    if (n < 0 && errno == EAGAIN) return;
    drop(c);
    return;
  }
  if (!c->pending.empty()) {
    c->pending.append(buf, static_cast<std::size_t>(n));
    return;
  }
  ssize_t w = write(fd, buf, static_cast<std::size_t>(n));
  if (w < 0 && errno != EAGAIN) {
    drop(c);
    return;
  }
  if (w < n) {
    c->pending.assign(buf + (w < 0 ? 0 : w), static_cast<std::size_t>(n - (w < 0 ? 0 : w)));
    event_add(c->wr, nullptr);
  }
}

void on_write(evutil_socket_t, short, void* arg) { flush(static_cast<conn*>(arg)); }

void on_accept(evconnlistener* l, evutil_socket_t fd, sockaddr*, int, void*) {
  auto* base = evconnlistener_get_base(l);
  auto* c = new conn;
  c->fd = fd;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->rd = event_new(base, fd, EV_READ | EV_PERSIST, on_read, c);
  c->wr = event_new(base, fd, EV_WRITE | EV_PERSIST, on_write, c);
  event_add(c->rd, nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  int port = argc > 1 ? std::atoi(argv[1]) : 0;
  auto* base = event_base_new();
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sin.sin_port = htons(static_cast<std::uint16_t>(port));
  auto* l =
      evconnlistener_new_bind(base, on_accept, nullptr, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
                              1024, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
  if (!l) return 1;
  socklen_t len = sizeof sin;
  getsockname(evconnlistener_get_fd(l), reinterpret_cast<sockaddr*>(&sin), &len);
  std::printf("listening on 127.0.0.1:%u\n", ntohs(sin.sin_port));
  std::fflush(stdout);
  auto* term = evsignal_new(
      base, SIGTERM,
      [](evutil_socket_t, short, void* b) { event_base_loopbreak(static_cast<event_base*>(b)); },
      base);
  event_add(term, nullptr);
  event_base_dispatch(base);
  return 0;
}
