// Listening and serving: socket::bind / listen / accept, and Copas's addserver, removeserver,
// handler and autoclose.
#include "address.hpp"
#include "socket_impl.hpp"
#include "tls_session.hpp"

#include <copas/core/errors.hpp>
#include <copas/core/pause.hpp>
#include <copas/core/status.hpp>
#include <copas/core/thread.hpp>
#include <copas/net/dns.hpp>
#include <copas/net/server.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace copas {

namespace detail {
struct server_state {
  connection_handler handler;
  std::size_t clients = 0;
};
}  // namespace detail

namespace {

std::atomic<bool> autoclose_flag{true};

// Numeric addresses, "*" and "localhost" need no look-up; other names go through evdns like
// connect() (never the blocking system resolver), first address wins.
result<detail::sockaddr_any> local_address(std::string_view host, std::uint16_t port) {
  if (host == "*" || host.empty()) host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  if (auto a = detail::numeric_address(host, port)) return *a;
  auto addrs = dns::resolve(host);
  if (!addrs) return addrs.error();
  for (auto& ip : *addrs)
    if (auto a = detail::numeric_address(ip, port)) return *a;
  return error(errc::host_not_found, "host not found: " + std::string(host));
}

void run_handler(const connection_handler& h, socket client, bool close_after) {
  try {
    h(client);
  } catch (const thread_cancelled&) {
    if (close_after) client.close();
    throw;
  } catch (...) {
    report_error(std::current_exception(), running_thread(), client.impl());
  }
  if (close_after) client.close();
}

void accept_loop(std::shared_ptr<detail::socket_impl> impl,
                 std::shared_ptr<detail::server_state> st) {
  socket server(impl);
  detail::wait_hold hold;
  int burst = 0;
  for (;;) {
    if (impl->serving != st || impl->closed) return;
    auto c = server.accept();
    if (c) {
      auto& client = *c->impl();
      std::string sname = impl->socket_name();
      auto n = std::to_string(++st->clients);
      client.name = sname + ":client_" + n;
      client.t_connect = impl->t_connect;
      client.t_send = impl->t_send;
      client.t_receive = impl->t_receive;
      addthread(thread_options{.name = sname + ":handler_" + n}, run_handler, st->handler,
                std::move(*c), autoclose_flag.load());
      // Accept a burst, but let the handlers (and everyone else) run now and then.
      if (++burst % 64 == 0) copas::pause();
      continue;
    }
    if (c.error() == errc::timeout) {
      auto w = impl->wait(false, clock::time_point::max(), hold);
      if (!w && w.error() == errc::in_progress) copas::pause();  // a removed loop still holds it
      continue;
    }
    if (impl->closed) return;
    // Copas ignores a failed accept; a full fd table keeps the listener readable, so back off.
    copas::pause(0.01);
  }
}

}  // namespace

result<void> socket::bind(std::string_view host, std::uint16_t port) {
  if (!impl_ || impl_->closed) return errc::closed;
  auto& s = *impl_;
  auto a = local_address(host, port);
  if (!a) return a.error();
  if (auto ok = s.open_for(a->family()); !ok) return ok;
  if (::bind(s.fd, a->get(), a->len) != 0) return detail::errno_error(errno);
  s.bound = true;
  return {};
}

result<void> socket::listen(int backlog) {
  if (!impl_ || impl_->closed || impl_->fd < 0) return errc::closed;
  if (::listen(impl_->fd, backlog) != 0) return detail::errno_error(errno);
  impl_->listening = true;
  return {};
}

namespace {
// One accept() on a non-blocking listener.
result<socket> accept_once(detail::socket_impl& s) {
  if (s.closed || s.fd < 0) return errc::closed;
  detail::sockaddr_any a;
  a.len = sizeof a.storage;
  int c;
  do c = ::accept4(s.fd, a.get(), &a.len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  while (c < 0 && errno == EINTR);
  if (c < 0) return detail::errno_error(errno);
  auto impl = detail::make_impl(socket::type::tcp);
  impl->adopt(c, a.family());
  impl->accepted = impl->connected = true;
  impl->accepted_at = clock::now();
  impl->limits = s.limits;
  return socket(std::move(impl));
}
}  // namespace

result<socket> socket::accept() {
  if (!impl_) return errc::closed;
  return accept_once(*impl_);
}

result<socket> socket::accept(clock::time_point deadline) {
  if (!impl_) return errc::closed;
  // Only the held state from here on: the handle this was called on may go while we wait.
  detail::wait_hold hold;
  auto& s = *impl_;
  for (;;) {
    auto c = accept_once(s);
    if (c || c.error() != errc::timeout) return c;
    if (auto w = s.wait(false, deadline, hold); !w) return w.error();
  }
}

result<socket> bind(std::string_view host, std::uint16_t port, int backlog) {
  auto s = tcp();
  if (auto ok = s.setoption("reuseaddr", true); !ok) return ok.error();
  if (auto ok = s.bind(host, port); !ok) return ok.error();
  if (auto ok = s.listen(backlog); !ok) return ok.error();
  return s;
}

void addserver(socket server, connection_handler handler, std::optional<double> timeout,
               std::optional<std::string> name) {
  auto impl = server.shared_impl();
  if (!impl) throw std::invalid_argument("expected a socket");
  if (name) impl->name = std::move(*name);
  if (timeout) server.settimeout(timeout);
  auto st = std::make_shared<detail::server_state>();
  st->handler = std::move(handler);
  impl->serving = st;
  if (impl->type == socket::type::udp) {
    addthread(thread_options{.name = impl->socket_name() + ":handler"}, run_handler, st->handler,
              server, false);
    return;
  }
  addthread(thread_options{.name = impl->socket_name() + ":accept"}, accept_loop, impl, st);
}

result<void> removeserver(const socket& server, bool keep_open) {
  auto* impl = server.impl();
  if (!impl) return errc::closed;
  impl->serving.reset();
  impl->watch.wake(fd_watch::read);  // the accept loop sees it is no longer serving and ends
  if (keep_open) return {};
  return socket(server).close();
}

namespace {

clock::time_point handshake_deadline(const detail::socket_impl& s, std::optional<double> timeout) {
  if (!timeout || !(*timeout > 0) || std::isinf(*timeout)) return clock::time_point::max();
  return s.accepted_at +
         std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(*timeout));
}

// One line per failed handshake, never a traceback: a port scan must not flood the log.
void report_failed_handshake(socket& s, const error& why, const handler_options& opts) {
  detail::count_failed_handshake();
  std::string peer = "unknown peer";
  if (auto p = s.getpeername()) peer = p->ip + ":" + std::to_string(p->port);
  std::string reason = why.message();
  constexpr std::string_view prefix = "TLS/SSL handshake failed: ";
  if (reason.rfind(prefix, 0) == 0) reason.erase(0, prefix.size());
  std::string line = s.getname() + ": TLS handshake with " + peer + " failed: " + reason;
  if (opts.log)
    opts.log(line);
  else
    std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace

connection_handler handler(connection_handler connhandler, tls_server tls, handler_options opts) {
  return [h = std::move(connhandler), tls = std::move(tls), opts = std::move(opts)](socket s) {
    s = wrap(std::move(s));
    auto& impl = *s.impl();
    impl.server_contexts = tls.contexts();
    if (auto ok =
            detail::tls_handshake(impl, nullptr, handshake_deadline(impl, opts.handshake_timeout));
        !ok) {
      report_failed_handshake(s, ok.error(), opts);
      s.close();
      return;
    }
    h(s);
  };
}

connection_handler handler(connection_handler connhandler, std::optional<ssl_params> params,
                           handler_options opts) {
  if (!params || (!params->wrap && !params->sni && !params->context)) {
    return [h = std::move(connhandler)](socket s) { h(wrap(std::move(s))); };
  }
  return handler(std::move(connhandler), tls_server(std::move(*params)), std::move(opts));
}

bool autoclose() noexcept { return autoclose_flag.load(); }
void autoclose(bool on) noexcept { autoclose_flag.store(on); }

}  // namespace copas
