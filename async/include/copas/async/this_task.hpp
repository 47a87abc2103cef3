#pragma once
// Helpers for code running inside a copas::async task (on a worker thread), so that cancel()
// can stop it cooperatively.
//
//   copas::async::addthread([] {
//     while (!copas::async::this_task::stop_requested()) {
//       poll_device();
//       copas::async::this_task::sleep(0.5);   // returns early on cancel()
//     }
//   });
//
// Outside a task (on a dispatcher thread, or any other thread) the stop token never stops.

#include <chrono>
#include <stop_token>

#include <copas/core/api_prefix.hpp>

namespace copas::async::this_task {

// The running task's stop token: stop is requested when its future is cancelled.
std::stop_token stop_token() noexcept;
bool stop_requested() noexcept;

// Blocks the worker for `seconds` (copas::forever allowed), or until stop is requested.
// Returns true if it slept the whole time, false if woken by a stop request. Must not be called
// on a dispatcher thread (it would block every fiber): use copas::pause there.
bool sleep(double seconds);

template <class Rep, class Period>
bool sleep(std::chrono::duration<Rep, Period> d) {
  return sleep(std::chrono::duration_cast<std::chrono::duration<double>>(d).count());
}

}  // namespace copas::async::this_task

#include <copas/core/api_suffix.hpp>
