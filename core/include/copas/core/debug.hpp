#pragma once
// copas::debug: logging of the dispatcher's scheduling decisions.
//
//   copas::debug::start();          // prints "resuming 'worker'", "yielding 'worker' to SLEEP ..."
//   copas::debug::stop();

#include <functional>
#include <string_view>

#include <copas/core/api_prefix.hpp>

namespace copas::debug {

using logger = std::function<void(std::string_view line)>;

// Starts logging each park ("yielding '<thread>' to SLEEP for <s> seconds", "... to READ on
// '<socket>'", "... to WRITE on '<socket>'"), each resume ("resuming '<thread>'", "resuming
// '<thread>' for socket '<socket>'") and the end of fibers created after this call ("exiting
// '<thread>'"). `log` defaults to printing the line on standard output. `core` has no effect:
// copas-cpp has no core timer fiber to hide (kept for Copas's signature).
void start(logger log = {}, bool core = false);
void stop();

}  // namespace copas::debug

#include <copas/core/api_suffix.hpp>
