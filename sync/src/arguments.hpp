#pragma once
// Argument checks shared by the sync objects, with Copas's messages.

#include <copas/core/time.hpp>

#include <optional>
#include <string>

namespace copas::detail {

// A number as Lua's tostring shows it in Copas's messages ("-1", "0.5", "inf").
std::string lua_number(double x);

// Returns t if it is a valid default timeout (>= 0, forever allowed); otherwise throws
// std::invalid_argument(message_prefix + lua_number(t)).
double checked_timeout(double t, const char* message_prefix);

// The timeout of one call: the object's default for nullopt. A negative or NaN value throws
// std::invalid_argument with copas::timeout's message ("timout value must be ...", sic), before
// the caller is queued anywhere.
double call_timeout(std::optional<double> t, double fallback);

// The deadline t seconds after `from` (t >= 0); time_point::max() for forever or anything past
// the clock's range. Saves the hot path the clock reads of deadline_after().
clock::time_point deadline_from(clock::time_point from, double t) noexcept;

// The deadline t seconds from now; reads the clock only for a finite t.
inline clock::time_point deadline_in(double t) noexcept {
  return t == forever ? clock::time_point::max() : deadline_from(clock::now(), t);
}

}  // namespace copas::detail
