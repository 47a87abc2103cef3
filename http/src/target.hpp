#pragma once
// Private: where a request goes and what its head says.

#include <copas/http/request.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace copas::http::detail {

// A request URL resolved against the defaults and the explicit overrides of the params.
struct target {
  std::string scheme;  // "http" | "https"
  std::string host;    // without brackets
  std::uint16_t port = 0;
  std::string host_header;  // host[:port] as sent in Host
  std::string path_query;   // origin-form request-target
  std::optional<std::string> user, password;
  std::string key() const;  // "scheme://host:port"
};

struct proxy {
  std::string host;
  std::uint16_t port = 3128;
  std::optional<std::string> authorization;  // "Basic ..."
};

// Errors: "invalid url", "invalid host '<h>'", "invalid port '<p>'", "unknown scheme '<s>'"
// (http::errc::unknown_scheme; LuaSocket raises it).
result<target> resolve_target(const request_params& p);
// The proxy to use (params.proxy, else PROXY), if any.
result<std::optional<proxy>> resolve_proxy(const request_params& p);

// "<METHOD> <target> HTTP/1.1\r\n" and the headers, defaults first, overridden by the user's.
std::string request_head(const request_params& p, const target& t, const std::optional<proxy>& px,
                         bool chunked_body);

std::string basic_authorization(const std::string& user, const std::string& password);

}  // namespace copas::http::detail
