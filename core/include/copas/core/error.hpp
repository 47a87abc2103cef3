#pragma once
// Errors as Copas reports them: a code in the "copas" category whose message() is the exact
// Copas string ("timeout", "closed", ...), optionally with a more specific text (a server's
// reply, the host that failed to resolve). Results are boost::system::result<T, copas::error>;
// where Copas hands back data with the error (`nil, err, partial`), copas::partial_result
// (partial_result.hpp).
//
// One way to compare: a copas::error equals any enumerator of any copas error enum (copas::errc,
// async::errc, ftp::errc, http::errc, tp::errc, smtp::errc), each in its own category:
//
//   if (r.error() == copas::errc::timeout) ...
//   if (r.error() == copas::http::errc::too_many_redirects) ...
//
// A module's enum joins by being a std::is_error_code_enum with a make_error_code found by ADL.

#include <boost/system/result.hpp>

#include <concepts>
#include <string>
#include <system_error>
#include <utility>

#include <copas/core/api_prefix.hpp>

namespace copas {

// Every error string Copas (and LuaSocket underneath it) hands back, one enumerator each.
enum class errc {
  timeout = 1,        // "timeout"
  closed,             // "closed"
  destroyed,          // "destroyed"
  too_many,           // "too many"
  cancelled,          // "cancelled"
  not_armed,          // "not armed"
  already_armed,      // "already armed"
  stopping,           // "stopping"
  not_sleeping,       // "not sleeping"
  not_owner,          // "cannot release a lock not owned"
  in_progress,        // "Operation already in progress" (a second waiter on one socket direction)
  refused,            // "connection refused"
  host_not_found,     // "host not found"
  address_in_use,     // "address already in use"
  handshake_failed,   // "TLS/SSL handshake failed"
  protocol_error,     // "protocol error" (malformed data from a peer)
  invalid_argument,   // "invalid argument"
  local_certificate,  // "local certificate or key cannot be loaded" (TLS client; curl's 58)
  certificate_rejected,  // "the peer rejected or required a certificate" (TLS; curl's 56)
  try_again,             // "temporary failure in name resolution" (EAI_AGAIN: SERVFAIL, no answer
              // in time; LuaSocket's gai_strerror text). Not host_not_found: retry later.
};

const std::error_category& copas_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), copas_category()};
}

// An enum whose enumerators are copas error codes: registered with std::is_error_code_enum and
// with a make_error_code(E) in its own namespace. (std::errc is a condition enum, not one.)
template <class E>
concept error_code_enum = std::is_enum_v<E> && std::is_error_code_enum_v<E> && requires(E e) {
  { make_error_code(e) } -> std::same_as<std::error_code>;
};

// A std error condition enum (std::errc): compared by meaning, as std::error_code does.
template <class E>
concept error_condition_enum = std::is_enum_v<E> && std::is_error_condition_enum_v<E>;

// The error half of every copas result. message() is the Copas string; where Copas hands back
// more (LuaSocket's "host not found: example.org", an FTP server's reply), detail() holds it and
// message() returns it.
class error {
 public:
  error() = default;
  template <error_code_enum E>
  // NOLINTNEXTLINE(google-explicit-constructor): implicit, like Lua's nil, "timeout"
  error(E e) : code_(make_error_code(e)) {}
  // NOLINTNEXTLINE(google-explicit-constructor): implicit, like errc
  error(std::error_code code) : code_(code) {}
  error(std::error_code code, std::string detail) : code_(code), detail_(std::move(detail)) {}
  template <error_code_enum E>
  error(E e, std::string detail) : code_(make_error_code(e)), detail_(std::move(detail)) {}

  const std::error_code& code() const noexcept { return code_; }
  std::string message() const { return detail_.empty() ? code_.message() : detail_; }
  const std::string& detail() const noexcept { return detail_; }

  // The one comparison with an enumerator, for every copas error enum (and, reversed, e == error).
  template <error_code_enum E>
  friend bool operator==(const error& a, E b) noexcept {
    return a.code_ == make_error_code(b);
  }
  template <error_condition_enum E>
  friend bool operator==(const error& a, E b) noexcept {
    return a.code_ == make_error_condition(b);  // r.error() == std::errc::message_size
  }
  friend bool operator==(const error& a, const error& b) noexcept { return a.code_ == b.code_; }

 private:
  std::error_code code_;
  std::string detail_;
};

// Thrown by result<T>::value() when it holds an error, and by calls where Copas itself throws.
class system_error : public std::system_error {
 public:
  explicit system_error(const error& e)
      : std::system_error(e.code(), e.message()), msg_(e.message()) {}
  const char* what() const noexcept override { return msg_.c_str(); }

 private:
  std::string msg_;
};

[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

template <class T>
using result = boost::system::result<T, error>;

}  // namespace copas

template <>
struct std::is_error_code_enum<copas::errc> : std::true_type {};

#include <copas/core/api_suffix.hpp>
