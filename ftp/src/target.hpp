#pragma once
// Where a request goes: its URL (if any) merged with its explicit fields, as LuaSocket's
// genericform (string forms) and override (struct forms) do.

#include <copas/ftp/request.hpp>

#include <copas/core/error.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace copas::ftp::detail {

struct target {
  std::optional<std::string> host;
  std::uint16_t port = PORT;
  std::optional<std::string> user, password, path, type;
};

// String form: defaults scheme "ftp" and path "/"; "wrong scheme '<s>'", "missing hostname",
// "invalid type '<t>'" (";type=" must be a or i), "invalid port '<p>'", "invalid url".
result<target> parse_ftp_url(std::string_view url);

// Struct form: the URL's parts (no defaults, no scheme check), then the explicit fields over
// them; a host is required.
result<target> resolve(const std::optional<std::string>& url,
                       const std::optional<std::string>& host, std::optional<std::uint16_t> port,
                       const std::optional<std::string>& user,
                       const std::optional<std::string>& password,
                       const std::optional<std::string>& path,
                       const std::optional<std::string>& type);

// The transfer command's argument: `argument`, else `path` without one leading '/' or '\',
// URL-unescaped; nothing when that is empty.
std::optional<std::string> transfer_argument(const request& r);

template <class Request>
result<target> resolve(const Request& r, const std::optional<std::string>& path = std::nullopt,
                       const std::optional<std::string>& type = std::nullopt) {
  return resolve(r.url, r.host, r.port, r.user, r.password, path, type);
}

}  // namespace copas::ftp::detail
