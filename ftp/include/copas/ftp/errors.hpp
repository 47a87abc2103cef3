#pragma once
// The errors copas::ftp adds to copas::errc, in their own category so that callers can tell them
// apart (e == copas::ftp::errc::rejected). message() is LuaSocket's text; for `rejected` it is the
// server's reply ("530 Login incorrect."), for the argument errors the text names the culprit
// ("wrong scheme 'http'").
//
// Socket failures keep copas::errc ("timeout", "closed", "connection refused", resolver texts).
// A data connection that never comes is errc::timeout with a message saying so.

#include <copas/core/error.hpp>

#include <system_error>

namespace copas::ftp {

enum class errc {
  rejected = 1,       // the server's reply did not match the step; message() is the reply text
  invalid_reply,      // "invalid server reply": a line that does not start with three digits
  reply_too_long,     // "server reply too long": a line or reply past reply_reader::limits
  invalid_epsv,       // "invalid epsv response": a 229 reply without (|||port|)
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

// True when `e` is an ftp error of kind `k` (copas::error compares only with copas::errc).
inline bool is(const copas::error& e, errc k) noexcept { return e.code() == make_error_code(k); }

}  // namespace copas::ftp

template <>
struct std::is_error_code_enum<copas::ftp::errc> : std::true_type {};
