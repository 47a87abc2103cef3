#pragma once
// The errors copas::http adds to copas::errc, in their own category so that a caller can tell a
// redirect chain cut short from a peer's malformed reply (e == http::errc::too_many_redirects).
// message() is LuaSocket's or Copas's text, with the detail:
//   too_many_redirects  "too many redirects (limit 5)"
//   insecure_redirect   "Unallowed insecure redirect https to http"
//   unknown_scheme      "unknown scheme 'file'" (LuaSocket raises it; copas::http returns it)

#include <copas/core/error.hpp>

#include <system_error>

#include <copas/core/api_prefix.hpp>

namespace copas::http {

enum class errc {
  too_many_redirects = 1,
  insecure_redirect,
  unknown_scheme,
};

const std::error_category& http_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), http_category()};
}

}  // namespace copas::http

template <>
struct std::is_error_code_enum<copas::http::errc> : std::true_type {};

#include <copas/core/api_suffix.hpp>
