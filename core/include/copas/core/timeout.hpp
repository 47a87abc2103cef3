#pragma once
// copas::timeout: the per-fiber low-level timeout that Copas's own primitives are built on.

#include <functional>

#include <copas/core/api_prefix.hpp>

namespace copas {

class thread;

// Arms (delay > 0 and finite) or cancels (delay 0 or forever) the running fiber's one timeout.
// After `delay` seconds, `callback(t)` runs with the fiber that armed it, on the dispatcher,
// outside any fiber: it must not block or yield. An exception it throws goes to the *default*
// error handler with the thread "copas_core_timer". Arming replaces the previous timeout.
// Throws std::invalid_argument "timout value must be greater than or equal to 0, got: <delay>"
// (sic, Copas's spelling) for a negative delay. Returns true.
//
// copas-cpp's own sockets, locks and queues do not use this slot, so a user timeout wrapped
// around them is not replaced (unlike in Copas).
bool timeout(double delay, std::function<void(const thread&)> callback = {});

}  // namespace copas

#include <copas/core/api_suffix.hpp>
