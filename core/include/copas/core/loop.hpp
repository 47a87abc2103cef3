#pragma once
// Running the dispatcher: loop, step, finished, running, exit, exiting, waitforexit.
//
//   copas::loop([] { copas::addthread(...); });   // returns when no work is left
//
// All calls act on the calling OS thread's dispatcher.

#include <copas/core/time.hpp>

#include <functional>
#include <optional>

#include <copas/core/api_prefix.hpp>

namespace copas {

// Runs fibers until finished() holds twice in a row: the first time it calls exit() (releasing
// waitforexit() waiters, which may schedule more work), the second time it returns.
// `init` runs as the fiber "copas_initializer". `timeout` (seconds) only caps how long one poll
// may block; it never ends the loop. The state (fibers, sockets, handlers) survives a loop, so
// loops can run one after another.
void loop(std::function<void()> init = {}, std::optional<double> timeout = std::nullopt);
void loop(std::optional<double> timeout);

// One iteration: runs each ready fiber once; if none is ready, waits up to `timeout` seconds (or
// until the next timer or event) for one. Returns true if an event (I/O, timer, wake-up) happened.
// Does not change running().
bool step(std::optional<double> timeout = std::nullopt);

// True when nothing is left that could run: no ready fiber, no socket being waited on, no timed
// sleeper, no pending result from another thread, and not (a pending timeout while some fiber is
// in pauseforever). A fiber in pauseforever alone does not keep the loop alive.
bool finished();

// True from the start of loop() until it returns.
bool running();

// Asks the loop to end: sets exiting() and releases every fiber in waitforexit(). No-op when
// already exiting. May be called before the first loop (the next loop resets the flag).
void exit();

// True after exit() until the next loop() starts; std::nullopt before the first loop() (Copas
// returns nil there).
std::optional<bool> exiting();

// Parks the running fiber until exit() is called. Every waiter is released (Copas 4.11 releases
// only one; that is a bug copas-cpp does not reproduce).
void waitforexit();

// Abandons all work (for test teardown): every fiber is cancelled and unwound, every timeout
// dropped, and exit() called. Afterwards finished() is true and loop() works again.
void cancelall();

}  // namespace copas

#include <copas/core/api_suffix.hpp>
