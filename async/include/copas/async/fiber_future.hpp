#pragma once
// copas::future: Copas's in-process futures (copas.future, Copas 4.10+). The task is a fiber of
// the calling thread's dispatcher, not a worker thread; its future is the same
// copas::async::future that addthread returns, with the same get / try_get / cancel contract.
//
//   auto f = copas::future::addthread([](int n) {
//     copas::pause(0.05);                            // the task may wait on anything
//     return std::tuple{n, std::string("done")};
//   }, 42);
//   auto r = f.get();                                // parks only the calling fiber
//   // r: {42, "done"}; a task that throws gives the error with its what() instead
//
// - fn(args...) runs in a new fiber, scheduled as copas::addthread schedules (not started yet),
//   with its own copies of the arguments, inside a protected call: an exception becomes the
//   future's error (errc::task_failed, message() = what() or "unknown error"), never a throw
//   from get() and never a call of the error handler.
// - cancel() on a pending future stores "cancelled", releases every waiter at once and removes the
//   task's fiber (copas::removethread): it is unwound at its suspension point (its destructors
//   run), never resumed, and its sockets are not closed. lane() then reads lane_status::cancelled.
// - If the task's fiber is removed by other means (removethread on its handle, the dispatcher
//   shutting down), the future is final with "cancelled" too, so no waiter is stranded.
// - Waiters have no limit (Copas 4.11's 9,999-waiter semaphore, issue #203, does not apply).
// - No threads are involved: the future, like every copas::async::future, belongs to the
//   dispatcher of the thread that created it (see future.hpp).
//
// Unlike Lua, where reading copas.future.PNEDING raises "unknown field", a misspelt name here
// does not compile; the states are copas::async::PENDING, SUCCESS and ERROR.

#include <copas/async/detail/job.hpp>
#include <copas/async/future.hpp>
#include <copas/core/thread.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include <copas/core/api_prefix.hpp>

namespace copas::async::detail {

// A copas::future task: run by a fiber of the owning dispatcher, never by the worker pool.
template <class... T>
class fiber_task final : public result_slot<T...> {
 public:
  ~fiber_task() override { this->destroying(); }

  void bind(copas::thread fiber) { fiber_ = std::move(fiber); }

  // The fiber's body: runs the call and stores its outcome (unless cancelled first).
  template <class Call>
  void run(Call&& call) {
    // Final on every way out; a removal the future did not ask for counts as a cancel.
    struct settle_on_exit {
      fiber_task& t;
      ~settle_on_exit() { t.finish(); }
    } finish_guard{*this};
    this->set_lane(lane_status::running);
    try {
      auto values = pack_values<T...>(std::forward<Call>(call));
      this->settle([&] { this->values_ = std::move(values); });
      this->set_lane(lane_status::done);
    } catch (const copas::thread_cancelled&) {
      throw;
    } catch (...) {
      this->fail_current();
      this->set_lane(lane_status::error);
    }
  }

 private:
  void execute(std::stop_token) override {}  // never submitted to the worker pool

  void on_cancel(bool) override {
    this->set_lane(lane_status::cancelled);
    copas::removethread(std::exchange(fiber_, {}));
  }

  void finish() noexcept {
    fiber_ = {};  // the fiber holds this task: drop the handle so that neither keeps the other
    if (!this->final()) {
      {
        std::lock_guard lock(this->m_);
        this->state_ = ERROR;
        this->error_.reset();  // "cancelled"
      }
      this->set_lane(lane_status::cancelled);
    }
    this->release_waiters();
  }

  copas::thread fiber_;
};

template <class... T>
struct fiber_future_for;
template <class... T>
struct fiber_future_for<std::tuple<T...>> {
  template <class F, class... Args>
  static future<T...> make(copas::thread_options options, F&& fn, Args&&... args) {
    auto t = std::make_shared<fiber_task<T...>>();
    auto fiber = copas::addthread(
        std::move(options), [t, fn = std::forward<F>(fn),
                             args = std::make_tuple(std::forward<Args>(args)...)]() mutable {
          t->run([&]() -> decltype(auto) { return std::apply(fn, std::move(args)); });
        });
    t->bind(std::move(fiber));
    return future<T...>(std::move(t));
  }
};

template <class F, class... Args>
using fiber_values_t =
    typename values_of<std::invoke_result_t<std::decay_t<F>&, std::decay_t<Args>&&...>>::type;

}  // namespace copas::async::detail

namespace copas::future {

// Runs fn(args...) in a new fiber of this thread's dispatcher and returns its future at once.
// Return values map as for copas::async::addthread: void -> future<>, std::tuple<A, B> ->
// future<A, B>, anything else R -> future<R>.
template <class F, class... Args>
auto addthread(F&& fn, Args&&... args) {
  return async::detail::fiber_future_for<async::detail::fiber_values_t<F, Args...>>::make(
      {}, std::forward<F>(fn), std::forward<Args>(args)...);
}

// As addthread, naming the task's fiber (copas::getthreadname).
template <class F, class... Args>
auto addnamedthread(std::string name, F&& fn, Args&&... args) {
  return async::detail::fiber_future_for<async::detail::fiber_values_t<F, Args...>>::make(
      {.name = std::move(name)}, std::forward<F>(fn), std::forward<Args>(args)...);
}

}  // namespace copas::future

#include <copas/core/api_suffix.hpp>
