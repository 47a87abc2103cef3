#include "address.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace copas::detail {

std::optional<sockaddr_any> numeric_address(std::string_view ip, std::uint16_t port) {
  std::string host(ip);
  sockaddr_any a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.len = sizeof(sockaddr_in);
    return a;
  }
  std::string scope;
  if (auto pct = host.find('%'); pct != std::string::npos) {
    scope = host.substr(pct + 1);
    host.resize(pct);
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    if (!scope.empty()) v6->sin6_scope_id = if_nametoindex(scope.c_str());
    a.len = sizeof(sockaddr_in6);
    return a;
  }
  return std::nullopt;
}

endpoint to_endpoint(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (sa->sa_family == AF_INET6) {
    auto* v6 = reinterpret_cast<const sockaddr_in6*>(sa);
    inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
    return {buf, ntohs(v6->sin6_port), "inet6"};
  }
  auto* v4 = reinterpret_cast<const sockaddr_in*>(sa);
  inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
  return {buf, ntohs(v4->sin_port), "inet"};
}

error named_error(std::errc code, const char* text) {
  return error(std::make_error_code(code), text);
}

error errno_error(int e) {
  switch (e) {
    case EAGAIN:
    case ETIMEDOUT: return errc::timeout;
    case EPIPE:
    case ECONNRESET:
    case ECONNABORTED:
    case EBADF: return errc::closed;
    case ECONNREFUSED: return errc::refused;
    case EADDRINUSE: return errc::address_in_use;
    case EISCONN: return named_error(std::errc::already_connected, "already connected");
    case EACCES: return named_error(std::errc::permission_denied, "permission denied");
    case EALREADY: return errc::in_progress;
    default: return error(std::error_code(e, std::system_category()), std::strerror(e));
  }
}

}  // namespace copas::detail
