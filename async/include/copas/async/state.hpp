#pragma once
// The states a copas::async future and its worker-side task go through.

#include <string_view>

#include <copas/core/api_prefix.hpp>

namespace copas::async {

// What try_get() reports (copas-async's PENDING = false, SUCCESS = true, ERROR = "error").
enum state {
  PENDING,  // not finished
  SUCCESS,  // finished, the task returned normally
  ERROR,    // finished with an error, or cancelled
};

// Where the task itself stands on the worker side (copas-async's `future.lane.status`). Unlike the
// future, which is final the moment cancel() returns true, this follows the worker: a cancelled
// task that is still unwinding reads `running` until it stops.
enum class lane_status {
  pending,    // queued, no worker has started it
  running,    // a worker is running it
  done,       // returned normally
  error,      // threw
  cancelled,  // cancel() reached it: it never started, or it returned after being asked to stop
  killed,     // still running cancel_timeout after cancel(): its child was killed or its worker
              // thread cancelled (see addthread.hpp for what forcing can and cannot stop)
};

constexpr std::string_view to_string(lane_status s) noexcept {
  switch (s) {
    case lane_status::pending: return "pending";
    case lane_status::running: return "running";
    case lane_status::done: return "done";
    case lane_status::error: return "error";
    case lane_status::cancelled: return "cancelled";
    case lane_status::killed: return "killed";
  }
  return "?";
}

}  // namespace copas::async

#include <copas/core/api_suffix.hpp>
