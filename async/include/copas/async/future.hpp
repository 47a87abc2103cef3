#pragma once
// copas::async::future: the result of a task running on a worker thread (copas-async's future).
//
//   auto f = copas::async::addthread([] { return std::tuple{std::string("hello"), 42}; });
//   auto r = f.get();                 // suspends this fiber only
//   if (r) auto [word, n] = *r;       // like pcall: true, "hello", 42
//   else   r.error().message();       // the exception's what(), or "cancelled"
//
// A future is a cheap handle (copies share one task). It belongs to the dispatcher of the thread
// that called addthread: get(), try_get() and cancel() called on any other thread throw
// std::logic_error ("copas::async: a future can only be used on the thread of the dispatcher
// that created it"), since its waiters can be parked and woken only there. To hand a result to
// another dispatcher, get() it here and post it there. Values are copied out on each get(), so
// T... must be copyable. copas::future::addthread (fiber_future.hpp) returns the same type.

#include <copas/async/detail/job.hpp>
#include <copas/async/state.hpp>
#include <copas/core/error.hpp>

#include <memory>
#include <optional>
#include <tuple>
#include <utility>

#include <copas/core/api_prefix.hpp>

namespace copas::async {

// What try_get() found.
template <class... T>
struct try_result {
  state status = PENDING;
  std::optional<std::tuple<T...>> values;  // set when status == SUCCESS
  std::optional<copas::error> error;       // set when status == ERROR: the message or "cancelled"
};

template <class... T>
class future {
 public:
  future() = default;
  explicit future(std::shared_ptr<detail::result_slot<T...>> slot) : slot_(std::move(slot)) {}

  // If finished, returns at once; otherwise parks the calling fiber (every other fiber and socket
  // keeps running) until the result arrives or cancel() is called. Any number of fibers may wait
  // on one future; all are released together. Idempotent: every call returns the same outcome.
  // Returns the task's values, or an error whose message() is the exception's what() (category
  // copas::async, errc::task_failed) or "cancelled" (copas::errc::cancelled).
  // Throws copas::thread_cancelled if the waiting fiber is removed (removethread, a task_group's
  // cancel). Inside a deadline_scope (with_timeout) it returns "timeout" at the deadline. Either
  // way, when no other fiber still waits on it, the task is cancelled as by cancel() (its worker
  // is told through its stop token): nobody is left to observe it.
  copas::result<std::tuple<T...>> get() const {
    if (!slot_->wait_final()) return copas::error(copas::errc::timeout);
    return slot_->outcome();
  }
  copas::result<std::tuple<T...>> operator()() const { return get(); }

  // Never blocks: PENDING while running; SUCCESS with the values; ERROR with the message (also
  // ERROR, "cancelled" after cancel()). A result is visible here as soon as the worker stored it,
  // even before the dispatcher has run again.
  try_result<T...> try_get() const {
    auto [status, values, error] = slot_->peek();
    return {status, std::move(values), std::move(error)};
  }

  // Returns false if the task already finished (its result wins) or was cancelled before.
  // Otherwise returns true at once, having: stored "cancelled" (final: a result produced later is
  // discarded), released every waiter with that error, and asked the task to stop (its
  // std::stop_token; this_task::sleep and this_task::execute honour it). A task still running
  // cancel_timeout seconds later is forced to stop (see addthread.hpp). Never blocks.
  bool cancel() const { return slot_->cancel(); }

  // Where the task stands on its worker (copas-async's future.lane.status).
  lane_status lane() const { return slot_->lane(); }

  bool valid() const noexcept { return static_cast<bool>(slot_); }

 private:
  std::shared_ptr<detail::result_slot<T...>> slot_;
};

}  // namespace copas::async

#include <copas/core/api_suffix.hpp>
