// UDP: one datagram per call. Receives wait with the receive timeout; sends never wait (LuaSocket
// reports a full socket buffer as "timeout").
#include "datagram.hpp"

#include "address.hpp"

#include <copas/net/dns.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

namespace copas {

namespace detail {

namespace {
constexpr std::size_t default_datagram = 8192;  // LuaSocket's UDP_DATAGRAMSIZE

// recv/recvfrom with the Copas wait loop around it.
template <class Recv>
auto receive_datagram(socket_impl& s, Recv&& recv) -> decltype(recv()) {
  lazy_deadline deadline(s.t_receive);
  wait_hold hold;  // the callers touch nothing after this returns
  bool waited = false;
  for (;;) {
    if (s.closed || s.fd < 0) return error(errc::closed);
    auto r = recv();
    if (r || r.error() != errc::timeout) {
      if (!waited) s.no_wait_success();
      return r;
    }
    auto w = s.wait(false, deadline.get(), hold);
    waited = true;
    if (!w) return w.error() == errc::timeout ? timeout_error(errc::timeout) : w.error();
  }
}

result<std::string> recv_once(socket_impl& s, std::size_t size) {
  std::string buf(size, '\0');
  ssize_t n;
  do n = ::recv(s.fd, buf.data(), size, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) return errno_error(errno);
  buf.resize(static_cast<std::size_t>(n));
  return buf;
}
}  // namespace

send_result udp_send(socket_impl& s, std::string_view data) {
  if (s.closed || s.fd < 0) return send_result::failure(errc::closed, 0);
  ssize_t n;
  do n = ::send(s.fd, data.data(), data.size(), MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return send_result::failure(errno_error(errno), 0);
  return send_result::success(static_cast<std::size_t>(n));
}

receive_result udp_receive(socket_impl& s, const receive_pattern& p) {
  if (p.type() == receive_pattern::kind::all)
    throw std::invalid_argument("bad argument #2 to 'receive' (invalid receive pattern)");
  std::size_t size = p.type() == receive_pattern::kind::count ? p.count() : default_datagram;
  auto r = receive_datagram(s, [&] { return recv_once(s, size); });
  if (!r) return {r.error(), {}};
  return std::move(*r);
}

}  // namespace detail

result<datagram> socket::receivefrom(std::size_t size) {
  if (!impl_) return errc::closed;
  auto& s = *impl_;
  return detail::receive_datagram(s, [&]() -> result<datagram> {
    datagram d;
    d.data.resize(size);
    detail::sockaddr_any from;
    from.len = sizeof from.storage;
    ssize_t n;
    do n = ::recvfrom(s.fd, d.data.data(), size, 0, from.get(), &from.len);
    while (n < 0 && errno == EINTR);
    if (n < 0) return detail::errno_error(errno);
    d.data.resize(static_cast<std::size_t>(n));
    auto ep = detail::to_endpoint(from.get());
    d.ip = std::move(ep.ip);
    d.port = ep.port;
    return d;
  });
}

result<std::size_t> socket::sendto(std::string_view data, std::string_view ip, std::uint16_t port) {
  if (!impl_ || impl_->closed) return errc::closed;
  auto& s = *impl_;
  auto addr = detail::numeric_address(ip, port);
  if (!addr) return error(errc::host_not_found, "host not found: " + std::string(ip));
  if (s.fd < 0)
    if (auto ok = s.open(addr->family()); !ok) return ok.error();
  ssize_t n;
  do n = ::sendto(s.fd, data.data(), data.size(), MSG_NOSIGNAL, addr->get(), addr->len);
  while (n < 0 && errno == EINTR);
  if (n < 0) return detail::errno_error(errno);
  return static_cast<std::size_t>(n);
}

result<void> socket::setpeername(std::string_view host, std::uint16_t port) {
  if (!impl_ || impl_->closed) return errc::closed;
  auto& s = *impl_;
  if (host == "*") {
    // LuaSocket: "*" disconnects a UDP socket (connect to AF_UNSPEC).
    if (s.fd >= 0) {
      sockaddr sa{};
      sa.sa_family = AF_UNSPEC;
      ::connect(s.fd, &sa, sizeof sa);
    }
    s.connected = false;
    return {};
  }
  detail::wait_hold hold;  // the look-up parks: the handle this was called on may go meanwhile
  hold.keep(s);
  auto addrs = dns::resolve(host);
  if (s.closed) return errc::closed;
  if (!addrs) return addrs.error();
  error last = errc::host_not_found;
  for (auto& ip : *addrs) {
    auto addr = detail::numeric_address(ip, port);
    if (!addr) continue;
    if (auto ok = s.open_for(addr->family()); !ok) return ok;
    if (::connect(s.fd, addr->get(), addr->len) == 0) {
      s.connected = true;
      return {};
    }
    last = detail::errno_error(errno);
  }
  return last;
}

result<void> socket::setsockname(std::string_view host, std::uint16_t port) {
  return bind(host, port);
}

}  // namespace copas
