// setoption / getoption by LuaSocket's option names.
#include "address.hpp"
#include "socket_impl.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

namespace copas {

namespace {

enum class shape { flag, number, linger };

struct option_spec {
  std::string_view name;
  int level;
  int opt;
  shape kind;
};

// The IPv4 / IPv6 variants of the multicast options differ by level; LuaSocket names one.
constexpr option_spec table[] = {
    {"keepalive", SOL_SOCKET, SO_KEEPALIVE, shape::flag},
    {"reuseaddr", SOL_SOCKET, SO_REUSEADDR, shape::flag},
    {"reuseport", SOL_SOCKET, SO_REUSEPORT, shape::flag},
    {"broadcast", SOL_SOCKET, SO_BROADCAST, shape::flag},
    {"dontroute", SOL_SOCKET, SO_DONTROUTE, shape::flag},
    {"linger", SOL_SOCKET, SO_LINGER, shape::linger},
    {"recv-buffer-size", SOL_SOCKET, SO_RCVBUF, shape::number},
    {"send-buffer-size", SOL_SOCKET, SO_SNDBUF, shape::number},
    {"tcp-nodelay", IPPROTO_TCP, TCP_NODELAY, shape::flag},
    {"tcp-keepidle", IPPROTO_TCP, TCP_KEEPIDLE, shape::number},
    {"tcp-keepcnt", IPPROTO_TCP, TCP_KEEPCNT, shape::number},
    {"tcp-keepintvl", IPPROTO_TCP, TCP_KEEPINTVL, shape::number},
    {"ipv6-v6only", IPPROTO_IPV6, IPV6_V6ONLY, shape::flag},
    {"ip-multicast-ttl", IPPROTO_IP, IP_MULTICAST_TTL, shape::number},
    {"ip-multicast-loop", IPPROTO_IP, IP_MULTICAST_LOOP, shape::flag},
    {"ipv6-unicast-hops", IPPROTO_IPV6, IPV6_UNICAST_HOPS, shape::number},
    {"ipv6-multicast-hops", IPPROTO_IPV6, IPV6_MULTICAST_HOPS, shape::number},
    {"ipv6-multicast-loop", IPPROTO_IPV6, IPV6_MULTICAST_LOOP, shape::flag},
};

const option_spec* find(std::string_view name) {
  for (auto& o : table)
    if (o.name == name) return &o;
  return nullptr;
}

error unsupported(std::string_view name) {
  return error(errc::invalid_argument, "unsupported option '" + std::string(name) + "'");
}

}  // namespace

namespace detail {

result<void> apply_option(socket_impl& s, std::string_view name, const option_value& value) {
  auto* o = find(name);
  if (!o) return unsupported(name);
  int rc;
  if (o->kind == shape::linger) {
    auto* l = std::get_if<linger_option>(&value);
    if (!l) return error(errc::invalid_argument, "invalid value for option 'linger'");
    ::linger v{l->on ? 1 : 0, l->timeout};
    rc = setsockopt(s.fd, o->level, o->opt, &v, sizeof v);
  } else {
    int v = 0;
    if (auto* b = std::get_if<bool>(&value))
      v = *b ? 1 : 0;
    else if (auto* n = std::get_if<int>(&value))
      v = *n;
    else
      return error(errc::invalid_argument, "invalid value for option '" + std::string(name) + "'");
    // IPv6 sockets take the IPv4 multicast options at the IPv6 level.
    int level = o->level, opt = o->opt;
    if (s.family == AF_INET6 && level == IPPROTO_IP) {
      level = IPPROTO_IPV6;
      opt = opt == IP_MULTICAST_TTL ? IPV6_MULTICAST_HOPS : IPV6_MULTICAST_LOOP;
    }
    rc = setsockopt(s.fd, level, opt, &v, sizeof v);
  }
  if (rc != 0) return errno_error(errno);
  return {};
}

}  // namespace detail

result<void> socket::setoption(std::string_view name, option_value value) {
  if (!impl_ || impl_->closed) return errc::closed;
  auto& s = *impl_;
  if (!find(name)) return unsupported(name);
  // LuaSocket's tcp() has an fd at once; ours waits for the family. Remember the option and apply
  // it to whichever fd comes.
  std::erase_if(s.options, [&](auto& p) { return p.first == name; });
  s.options.emplace_back(std::string(name), value);
  if (s.fd < 0) return {};
  return detail::apply_option(s, name, value);
}

result<option_value> socket::getoption(std::string_view name) const {
  if (!impl_ || impl_->closed) return errc::closed;
  auto& s = *impl_;
  auto* o = find(name);
  if (!o) return unsupported(name);
  if (s.fd < 0) {
    for (auto& [n, v] : s.options)
      if (n == name) return v;
    return errc::closed;
  }
  if (o->kind == shape::linger) {
    ::linger v{};
    socklen_t len = sizeof v;
    if (getsockopt(s.fd, o->level, o->opt, &v, &len) != 0) return detail::errno_error(errno);
    return option_value{linger_option{v.l_onoff != 0, v.l_linger}};
  }
  int level = o->level, opt = o->opt;
  if (s.family == AF_INET6 && level == IPPROTO_IP) {
    level = IPPROTO_IPV6;
    opt = opt == IP_MULTICAST_TTL ? IPV6_MULTICAST_HOPS : IPV6_MULTICAST_LOOP;
  }
  int v = 0;
  socklen_t len = sizeof v;
  if (getsockopt(s.fd, level, opt, &v, &len) != 0) return detail::errno_error(errno);
  if (o->kind == shape::flag) return option_value{v != 0};
  return option_value{v};
}

}  // namespace copas
