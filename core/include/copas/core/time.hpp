#pragma once
// Time as Copas takes it: seconds as double or any std::chrono duration, and copas::forever
// (Lua's math.huge). Waits are scheduled on the monotonic clock; gettime() is wall clock, as in
// Copas, for compatibility.

#include <chrono>
#include <limits>

#include <copas/core/api_prefix.hpp>

namespace copas {

using clock = std::chrono::steady_clock;
using seconds = std::chrono::duration<double>;

// Wait forever (Lua's math.huge).
inline constexpr double forever = std::numeric_limits<double>::infinity();

// Seconds since the Unix epoch, fractional (LuaSocket's socket.gettime()).
double gettime() noexcept;

// Converts a duration to seconds as a double (the unit of every Copas call).
template <class Rep, class Period>
constexpr double to_seconds(std::chrono::duration<Rep, Period> d) noexcept {
  return std::chrono::duration_cast<seconds>(d).count();
}

// The deadline `s` seconds from now; nullopt-like (time_point::max) for forever or NaN.
clock::time_point deadline_after(double s) noexcept;

// The monotonic clock as of its last tick (Linux's CLOCK_MONOTONIC_COARSE): the same time base
// as `clock`, never ahead of it, usually behind by under a tick (1-4 ms), more under load. A read
// costs a few ns where clock::now() costs 20+ (more on a VM): for hot paths that measure waits to
// the millisecond. Never for deadlines: one computed from it can be early.
clock::time_point coarse_now() noexcept;

}  // namespace copas

#include <copas/core/api_suffix.hpp>
