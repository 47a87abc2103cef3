#pragma once
// copas::async::addthread and run: offload a blocking function to a worker thread.
//
//   auto f = copas::async::addthread([path] { return read_whole_file(path); });  // returns at once
//   ...                                              // this fiber and all others keep running
//   auto r = f.get();                                // parks only this fiber
//
//   auto r2 = copas::async::run([] { return slow_query(); });   // addthread + get
//
// Copies, not sharing. Like a Lanes function, which gets deep copies of its upvalues, the task
// owns a copy of the callable and of everything it captured by value; changing a captured
// variable inside the task does not affect the fiber's copy, and vice versa after addthread.
// To share state on purpose, capture a std::shared_ptr to something thread-safe (an atomic, or
// data guarded by a mutex); never capture references to fiber locals, which may be gone (or be
// mid-update on the dispatcher thread) while the task runs.
//
// Return values: void -> future<>, std::tuple<A, B> -> future<A, B> (Lua's multiple returns),
// anything else R -> future<R>. An exception escaping the task fails the future with its what()
// (or "unknown error"): that is Lua's pcall, so the fiber never sees a throw from get().
//
// Cancellation. fn may take a std::stop_token; cancel() requests it (cooperative stop), and the
// blocking helpers in this_task (sleep, execute) honour it. A task still running
// cancel_timeout seconds after cancel() is forced:
// - if it is running a child process (this_task::execute, os_execute), the child's process group
//   is killed with SIGKILL and reaped; the task then returns and its worker is reused;
// - otherwise its worker thread is cancelled with pthread_cancel: it unwinds (destructors run) at
//   its next cancellation point (sleep, nanosleep, read, write, poll, waitpid, accept, ...),
//   and the pool replaces it (stats().forced). Limits, stated honestly:
//   * a task that catches everything (`catch (...)`) must rethrow; swallowing the unwinding
//     aborts the process (it is abi::__forced_unwind);
//   * a cancellation point inside a noexcept function aborts the process: this includes
//     std::condition_variable::wait and any blocking call made from a destructor.
//     Wait with a std::stop_token (std::condition_variable_any's stop_token overloads) instead;
//   * a loop that never reaches a cancellation point cannot be stopped safely in C++: its thread
//     is left running, no longer counted as a worker (stats().stranded) and replaced, and leaves
//     by itself when the loop ends. Poll the stop token in long computations.
// The forced stop runs on a watchdog thread and never keeps a loop alive; with cancel_timeout ==
// forever no watchdog is armed at all.

#include <copas/async/detail/job.hpp>
#include <copas/async/future.hpp>

#include <atomic>
#include <memory>
#include <stop_token>
#include <type_traits>
#include <utility>

#include <copas/core/api_prefix.hpp>

namespace copas::async {

// Seconds between cancel() and the forced stop of a task still running (copas-async's
// async.cancel_timeout). Default 5; copas::forever = never force. Read when cancel() is called.
inline std::atomic<double> cancel_timeout{5.0};

namespace detail {
template <class Values>
struct future_for;
template <class... T>
struct future_for<std::tuple<T...>> {
  using type = future<T...>;
  template <class F>
  static type make(F&& fn) {
    auto t = std::make_shared<task<std::decay_t<F>, T...>>(std::forward<F>(fn));
    std::shared_ptr<result_slot<T...>> slot = t;
    submit(std::move(t));
    return type(std::move(slot));
  }
};
}  // namespace detail

// Runs fn() (or fn(stop_token)) on a worker thread and returns its future at once. Call from a
// thread with a dispatcher (its fibers may wait on the future). Throws std::system_error only if
// no worker thread can be created at all.
template <class F>
auto addthread(F&& fn) {
  using values = typename detail::values_of<detail::task_return_t<std::decay_t<F>>>::type;
  return detail::future_for<values>::make(std::forward<F>(fn));
}

// addthread(fn).get(): parks the calling fiber only; returns the values or the error as get()
// does. If the waiting fiber is removed (removethread), the task is cancelled too, since nobody
// can observe its result any more.
template <class F>
auto run(F&& fn) {
  auto f = addthread(std::forward<F>(fn));
  try {
    return f.get();
  } catch (...) {
    f.cancel();
    throw;
  }
}

}  // namespace copas::async

#include <copas/core/api_suffix.hpp>
