#pragma once
// Numeric addresses and errno, translated the way LuaSocket does.

#include <copas/core/error.hpp>
#include <copas/net/socket.hpp>

#include <sys/socket.h>

#include <optional>
#include <string_view>

namespace copas::detail {

struct sockaddr_any {
  sockaddr_storage storage{};
  socklen_t len = 0;
  const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
  sockaddr* get() noexcept { return reinterpret_cast<sockaddr*>(&storage); }
  int family() const noexcept { return storage.ss_family; }
};

// A numeric IPv4 or IPv6 address (with an optional %scope), or nullopt.
std::optional<sockaddr_any> numeric_address(std::string_view ip, std::uint16_t port);
endpoint to_endpoint(const sockaddr* sa);
// LuaSocket's socket_strerror: "timeout", "closed", "connection refused", ... or strerror.
error errno_error(int e);
// A named error whose text LuaSocket uses, outside the copas errc list.
error named_error(std::errc code, const char* text);

}  // namespace copas::detail
