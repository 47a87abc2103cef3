#pragma once
// Private: one task behind a future, shared by the fiber side (future) and whatever runs it: a
// worker thread (copas::async::addthread) or a fiber of the same dispatcher (copas::future).
//
// Threading contract: fields under `m_` are shared with workers and the watchdog; `waiters_` is
// touched only on the dispatcher thread that created the job (the worker reaches it through a
// dispatcher::remote post, never directly). check_owner() enforces that for the future's calls.

#include <copas/async/errors.hpp>
#include <copas/async/state.hpp>
#include <copas/core/dispatcher.hpp>
#include <copas/core/error.hpp>
#include <copas/core/ledger.hpp>
#include <copas/core/wait.hpp>

#include <sys/types.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include <copas/core/api_prefix.hpp>

namespace copas::async::detail {

class completions;
class job_queue;
class job_stack;

class job : public std::enable_shared_from_this<job> {
 public:
  job();  // bound to the calling thread's dispatcher
  virtual ~job();
  job(const job&) = delete;
  job& operator=(const job&) = delete;

  // ---- dispatcher side ----
  // Throws std::logic_error unless called on the thread of the dispatcher that created the job:
  // its waiters can only be parked and woken there.
  void check_owner() const;
  // Parks the calling fiber until the outcome is final (result, error or cancel): true; false if
  // its deadline scope ended the wait first. Leaving by cancellation or deadline with no other
  // fiber waiting cancels the task.
  bool wait_final();
  // True (and final) once a result, an error or a cancel is stored.
  bool final() const;
  // Stores "cancelled", releases waiters, then stops the task (on_cancel).
  bool cancel();
  lane_status lane() const;

  // ---- worker side ----
  // Runs the task once (skips it if cancelled first: then returns false). Either way, hand the
  // job back with notify() afterwards, once the worker has made itself available again.
  bool run();
  // Publishes the outcome run() staged and wakes the waiters on the dispatcher thread. Consumes
  // the reference so that the job is normally released on that thread.
  //
  // The outcome stays invisible until then, even to a fiber that polls final() without parking:
  // a fiber that saw it earlier could submit its next task before the worker counts itself idle,
  // and the pool would start a thread it does not need.
  static void notify(std::shared_ptr<job> self);

  // ---- task side (this_task helpers, on the worker) ----
  // Made on first use: most tasks never look at theirs, and a stop state is an allocation.
  std::stop_token stop_token() const;
  // A child process group the forced stop must kill instead of cancelling the worker thread.
  void set_child(pid_t pgid);
  void clear_child();
  // Soft stop of a child (SIGTERM to its group); no-op when none.
  void signal_child(int sig);

  // ---- watchdog side ----
  // After cancel_timeout: kills the child group if there is one (returns true), else marks the
  // lane killed and returns false so the pool cancels the worker thread.
  bool force_child();
  void mark_killed();

 protected:
  // Runs the user function and stores its values with settle() (on the dispatcher thread) or
  // stage() (on a worker); exceptions propagate to run().
  virtual void execute(std::stop_token token) = 0;
  // Whether execute() hands its token to the user function (else run() passes an empty one).
  virtual bool wants_stop_token() const noexcept { return true; }
  // Stops the task after cancel() made the outcome final. The default, for worker tasks: request
  // the stop token and, if the task already `started` running, arm the forced stop.
  virtual void on_cancel(bool started);
  // For tasks run on the dispatcher thread itself (copas::future): wakes the waiters directly.
  void release_waiters() { waiters_.notify_all(); }
  void set_lane(lane_status s) {
    std::lock_guard lock(m_);
    lane_ = s;
  }
  // fail() with the message of the exception being handled (its what(), or "unknown error").
  void fail_current();
  // Stores the outcome unless the job is already final. Call with m_ NOT held.
  template <class Store>
  void settle(Store&& store) {
    store_success(std::forward<Store>(store), state_);
  }
  void fail(std::string message);
  // A worker's settle(): stores the values unless the job is already final, but leaves it
  // PENDING until notify() publishes it. Call with m_ NOT held.
  template <class Store>
  void stage(Store&& store) {
    store_success(std::forward<Store>(store), staged_);
  }
  // Called first thing by the most derived destructor (for sanitizer bookkeeping, see job.cpp).
  void destroying() noexcept;

  mutable std::mutex m_;
  state state_ = PENDING;
  // The task's failure, stored with ERROR; null with ERROR means "cancelled" (so that cancelling
  // never allocates). Behind a pointer because most tasks never fail and an error is six words:
  // a burst of tasks keeps that much less memory alive (and faulted in).
  std::unique_ptr<const copas::error> error_;
  // m_ held, state_ == ERROR: the error to report.
  const copas::error& stored_error() const noexcept {
    static const copas::error cancelled(copas::errc::cancelled);
    return error_ ? *error_ : cancelled;
  }

 private:
  // Unless already final: the task's values (`store`) or error, with SUCCESS or ERROR into
  // `into`: state_ (settle, fail) or staged_ (stage, run).
  template <class Store>
  void store_success(Store&& store, state& into) {
    std::lock_guard lock(m_);
    if (state_ != PENDING) return;
    store();
    into = SUCCESS;
  }
  void store_failure(std::string message, state& into);

  friend class completions;  // wakes the waiters of a finished job, on the dispatcher thread
  friend class job_queue;    // the pool's queue of jobs waiting for a worker
  friend class job_stack;    // the lock-free hand-offs into that queue and back to the dispatcher
  // The link of whichever list holds the job between its steps: the pool's queue until a worker
  // takes it, its dispatcher's hand-back once it has run; never both at once, so one link. The
  // list's reference to the job lives here, so that entering a list allocates nothing. Guarded
  // by the list holding the job (the pool's mutex; the hand-back's atomic head).
  std::shared_ptr<job> listed_self_;
  job* listed_next_ = nullptr;
  // The owning dispatcher's hand-back of finished jobs; also names that dispatcher.
  std::shared_ptr<completions> completions_;
  copas::wait_queue waiters_{"future"};
  copas::ledger::entry ledger_entry_{"offload job"};  // debug builds: alive at dispatcher end?
  // Empty until stop_token() or a cancel needs it; stop_wanted_ remembers a cancel that came
  // first. Both under m_.
  mutable std::stop_source stop_{std::nostopstate};
  bool stop_wanted_ = false;
  lane_status lane_ = lane_status::pending;
  state staged_ = PENDING;  // the outcome a worker stored, until notify() publishes it
  pid_t child_ = 0;
};

// pthread cancellation is enabled only while user code runs (see addthread.hpp, forced stop).
class cancellable_region {
 public:
  cancellable_region() noexcept;
  ~cancellable_region();
  cancellable_region(const cancellable_region&) = delete;
  cancellable_region& operator=(const cancellable_region&) = delete;
};

// The values of a finished job, typed.
template <class... T>
class result_slot : public job {
 public:
  copas::result<std::tuple<T...>> outcome() const {
    std::lock_guard lock(m_);
    if (state_ == SUCCESS) return *values_;
    return stored_error();
  }
  // try_get(): never blocks.
  std::tuple<state, std::optional<std::tuple<T...>>, std::optional<copas::error>> peek() const {
    this->check_owner();
    std::lock_guard lock(m_);
    if (state_ == SUCCESS) return {SUCCESS, values_, std::nullopt};
    if (state_ == ERROR) return {ERROR, std::nullopt, stored_error()};
    return {PENDING, std::nullopt, std::nullopt};
  }

 protected:
  std::optional<std::tuple<T...>> values_;
};

// The tuple a task's return value becomes: void -> (), tuple<A, B> -> (A, B), R -> (R).
template <class R>
struct values_of {
  using type = std::tuple<R>;
};
template <>
struct values_of<void> {
  using type = std::tuple<>;
};
template <class... T>
struct values_of<std::tuple<T...>> {
  using type = std::tuple<T...>;
};

template <class F>
decltype(auto) invoke_task(F& f, std::stop_token token) {
  if constexpr (std::is_invocable_v<F&, std::stop_token>)
    return std::invoke(f, std::move(token));
  else
    return std::invoke(f);
}

template <class F>
using task_return_t = decltype(invoke_task(std::declval<F&>(), std::stop_token{}));

// Calls `call()` and packs what it returns as a future's values (see values_of).
template <class... T, class Call>
std::tuple<T...> pack_values(Call&& call) {
  using R = decltype(call());
  if constexpr (std::is_void_v<R>) {
    call();
    return {};
  } else if constexpr (std::is_same_v<std::remove_cvref_t<R>, std::tuple<T...>> &&
                       sizeof...(T) != 1) {
    return call();
  } else {
    return std::tuple<T...>(call());
  }
}

template <class F, class... T>
class task final : public result_slot<T...> {
 public:
  explicit task(F fn) : fn_(std::move(fn)) {}
  ~task() override { this->destroying(); }

 private:
  bool wants_stop_token() const noexcept override {
    return std::is_invocable_v<F&, std::stop_token>;
  }
  void execute(std::stop_token token) override {
    std::optional<std::tuple<T...>> values;
    {
      cancellable_region region;
      values.emplace(pack_values<T...>(
          [&]() -> decltype(auto) { return invoke_task(fn_, std::move(token)); }));
    }
    this->stage([&] { this->values_ = std::move(values); });
  }

  F fn_;
};

// Hands a job to the worker pool (creating a worker if none is idle and the bound allows).
void submit(std::shared_ptr<job> j);

}  // namespace copas::async::detail

#include <copas/core/api_suffix.hpp>
