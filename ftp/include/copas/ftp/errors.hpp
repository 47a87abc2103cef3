#pragma once
// The errors copas::ftp adds to copas::errc, in their own category so that callers can tell them
// apart (e == copas::ftp::errc::missing_hostname). message() is LuaSocket's text;
// for the argument errors it names the culprit ("wrong scheme 'http'").
//
// A reply the server should not have sent is copas::tp's (copas/net/tp.hpp):
// tp::errc::unexpected_reply with the reply text as message ("530 Login incorrect.";
// tp::reply_code(e) gives 530), "invalid server reply", "server reply too long".
// Socket failures keep copas::errc ("timeout", "closed", "connection refused", resolver texts).
// A data connection that never comes is errc::timeout with a message saying so.

#include <copas/core/error.hpp>

#include <system_error>

#include <copas/core/api_prefix.hpp>

namespace copas::ftp {

enum class errc {
  invalid_epsv = 1,   // "invalid epsv response": a 229 reply without (|||port|)
  need_port_or_pasv,  // "need port or pasv first": send/receive without a data channel
  missing_hostname,   // "missing hostname"
  missing_command,    // "missing command"
  wrong_scheme,       // "wrong scheme '<scheme>'"
  invalid_type,       // "invalid type '<type>'"
  invalid_port,       // "invalid port '<port>'"
};

const std::error_category& ftp_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), ftp_category()};
}

}  // namespace copas::ftp

template <>
struct std::is_error_code_enum<copas::ftp::errc> : std::true_type {};

#include <copas/core/api_suffix.hpp>
