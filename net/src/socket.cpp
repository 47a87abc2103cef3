// copas::socket: identity, timeouts, lifecycle, addresses. The I/O loops are in stream.cpp and
// datagram.cpp, servers in server.cpp, TLS in tls.cpp.
#include "address.hpp"
#include "debug_socket.hpp"
#include "socket_impl.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>

namespace copas {

namespace {
const std::shared_ptr<detail::socket_impl>& checked(const std::shared_ptr<detail::socket_impl>& p) {
  if (!p) throw std::invalid_argument("expected a socket");
  return p;
}
// A negative timeout means "forever", stored as nullopt.
std::optional<double> normalized(std::optional<double> t) {
  if (t && *t < 0) return std::nullopt;
  return t;
}
}  // namespace

socket::socket(const std::shared_ptr<detail::socket_impl>& impl) : impl_(detail::handle_of(impl)) {}

socket tcp() { return socket(detail::make_impl(socket::type::tcp)); }
socket udp() { return socket(detail::make_impl(socket::type::udp)); }

socket wrap(socket s, std::optional<ssl_params> params) {
  auto& impl = checked(s.shared_impl());
  if (impl->wrapped) return s;
  impl->wrapped = true;
  if (impl->type == socket::type::tcp && params && (params->wrap || params->sni || params->context))
    impl->params = std::make_unique<const ssl_params>(std::move(*params));
  return s;
}

socket wrap(int fd, std::optional<ssl_params> params) {
  int type = 0;
  socklen_t len = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
    throw std::invalid_argument("expected a socket");
  sockaddr_storage ss{};
  socklen_t sl = sizeof ss;
  getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &sl);
  auto impl = detail::make_impl(type == SOCK_DGRAM ? socket::type::udp : socket::type::tcp);
  impl->adopt(fd, ss.ss_family);
  sockaddr_storage peer{};
  socklen_t pl = sizeof peer;
  impl->connected = getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) == 0;
  int listening = 0;
  len = sizeof listening;
  if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0) impl->listening = listening;
  return wrap(socket(std::move(impl)), std::move(params));
}

void setsocketname(std::string name, const socket& s) {
  checked(s.shared_impl())->name = std::move(name);
}
std::string getsocketname(const socket& s) { return checked(s.shared_impl())->socket_name(); }

socket::type socket::kind() const { return checked(impl_)->type; }
int socket::getfd() const noexcept { return impl_ ? impl_->fd : -1; }
bool socket::wrapped() const noexcept { return impl_ && impl_->wrapped; }
std::string socket::getname() const { return getsocketname(*this); }
void socket::setname(std::string name) { setsocketname(std::move(name), *this); }

bool socket::settimeout(std::optional<double> seconds) {
  if (detail::logging(impl_))
    return detail::logged(
        *impl_, "settimeout",
        {{"timeout", seconds ? detail::describe(*seconds) : detail::describe_nil()}},
        [&] { return settimeout(seconds); });
  auto& s = *checked(impl_);
  s.t_connect = s.t_send = s.t_receive = normalized(seconds);
  return true;
}

bool socket::settimeouts(std::optional<double> connect, std::optional<double> send,
                         std::optional<double> receive) {
  auto& s = *checked(impl_);
  if (connect) s.t_connect = normalized(connect);
  if (send) s.t_send = normalized(send);
  if (receive) s.t_receive = normalized(receive);
  return true;
}

void socket::set_receive_limits(receive_limits limits) { checked(impl_)->limits = limits; }
receive_limits socket::get_receive_limits() const { return checked(impl_)->limits; }

socket::timeouts socket::gettimeouts() const {
  auto& s = *checked(impl_);
  return {s.t_connect, s.t_send, s.t_receive};
}

result<void> socket::close() {
  if (!impl_) return errc::closed;
  if (detail::logging(impl_)) return detail::logged(*impl_, "close", {}, [&] { return close(); });
  // Copas: a wrapped UDP socket is its server's socket too; its close() closes nothing.
  if (impl_->type == type::udp && impl_->wrapped) return {};
  impl_->close_now();
  return {};
}

result<void> socket::shutdown(std::string_view how) {
  if (detail::logging(impl_))
    return detail::logged(*impl_, "shutdown", {{"how", detail::describe(how)}},
                          [&] { return shutdown(how); });
  if (!impl_ || impl_->closed || impl_->fd < 0) return errc::closed;
  int h = how == "send" ? SHUT_WR : how == "receive" ? SHUT_RD : how == "both" ? SHUT_RDWR : -1;
  if (h < 0)
    throw std::invalid_argument("bad argument #1 to 'shutdown' (invalid option '" +
                                std::string(how) + "')");
  if (::shutdown(impl_->fd, h) != 0) return detail::errno_error(errno);
  return {};
}

namespace {
result<endpoint> address_of(const detail::socket_impl* s,
                            int (*query)(int, sockaddr*, socklen_t*)) {
  if (!s || s->closed || s->fd < 0) return errc::closed;
  detail::sockaddr_any a;
  a.len = sizeof a.storage;
  if (query(s->fd, a.get(), &a.len) != 0) return detail::errno_error(errno);
  return detail::to_endpoint(a.get());
}
}  // namespace

result<endpoint> socket::getpeername() const { return address_of(impl_.get(), ::getpeername); }
result<endpoint> socket::getsockname() const { return address_of(impl_.get(), ::getsockname); }

}  // namespace copas
