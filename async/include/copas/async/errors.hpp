#pragma once
// Errors of copas::async that Copas's own category has no string for. Like copas::errc, each
// message() is the exact text copas-async hands back; a copas::error compares with it as with
// copas::errc (error.hpp).
//
//   auto r = fd.write("x");           // descriptor opened with mode "r"
//   r.error() == copas::async::errc::not_writable;   // "Pipe not open for writing"
//
// A task that throws fails its future with task_failed; error::message() is then the
// exception's what() (as copas-async passes the Lua error message through).

#include <copas/core/error.hpp>

#include <system_error>

#include <copas/core/api_prefix.hpp>

namespace copas::async {

enum class errc {
  task_failed = 1,  // "task failed" (message(): the exception's what(), or "unknown error")
  not_readable,     // "Pipe not open for reading"
  not_writable,     // "Pipe not open for writing"
  not_available,    // "Not available." (flush, seek, setvbuf on a descriptor)
  spawn_failed,     // "spawn failed" (message(): "spawn failed: <strerror>")
  oversized,        // "oversized" (a line longer than descriptor::max_line; LuaSocket #463)
};

const std::error_category& async_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), async_category()};
}

}  // namespace copas::async

template <>
struct std::is_error_code_enum<copas::async::errc> : std::true_type {};

#include <copas/core/api_suffix.hpp>
