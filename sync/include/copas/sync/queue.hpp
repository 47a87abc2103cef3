#pragma once
// copas::queue<T>: a FIFO of items between fibers, optionally served by worker fibers.
//
//   copas::queue<std::string> jobs({.name = "jobs"});
//   jobs.add_worker([](std::string job) { ... });   // fiber "jobs:worker_1"
//   jobs.push("first");
//   jobs.finish();                                   // stop, drain, wait for the workers
//
// Semantics:
// - push(item) appends any item (use std::optional<X> or std::any to push an "empty" value);
//   errors: "stopping" after stop(), "destroyed".
// - pop(timeout) waits for an item (timeout: std::nullopt = 10 s, 0 = never yield,
//   copas::forever); errors "timeout", "destroyed". A pop that empties a stopping queue
//   destroys it.
// - add_worker(fn) starts a fiber named "<name>:worker_<n>" that pops forever and calls fn(item).
//   fn runs unprotected, as in Copas: an exception ends that worker (its error handler reports
//   it) and, when no worker is left, items stay queued. Workers exit when the queue is destroyed;
//   a worker busy with an item finishes it first.
// - stop() refuses further pushes and destroys the queue once it is empty (at once if it is).
// - finish(timeout, no_destroy_on_timeout) = stop(), then wait until the queue is empty and
//   destroyed and every worker has finished its last item, all within one deadline (default
//   10 s). On "timeout" the queue is destroyed unless no_destroy_on_timeout.
// - destroy() drops the remaining items, wakes blocked pops with "destroyed"; afterwards every
//   method returns "destroyed" (name() stays readable).
// - The default name is "copas_queue_<n>" (one counter for all queues).
//
// A queue is a handle: copies refer to the same queue, and worker fibers hold one. It belongs to
// the dispatcher of the thread that created it (see affinity.hpp).

#include <copas/core/error.hpp>
#include <copas/core/thread.hpp>
#include <copas/core/time.hpp>
#include <copas/core/wait.hpp>
#include <copas/sync/affinity.hpp>
#include <copas/sync/lock.hpp>
#include <copas/sync/semaphore.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <copas/core/api_prefix.hpp>

namespace copas {

struct queue_options {
  std::optional<std::string> name{};  // default "copas_queue_<n>"
};

namespace detail {

// Everything of a queue but its items: the item semaphore, stopping, destroying, the workers.
class queue_core {
 public:
  queue_core(std::optional<std::string> name, std::function<void()> drop_items);
  queue_core(const queue_core&) = delete;
  queue_core& operator=(const queue_core&) = delete;

  const std::string& name() const noexcept { return name_; }
  void check_home() const;
  result<void> admit_push() const;
  void pushed();
  result<void> await_item(std::optional<double> timeout);
  void popped(bool now_empty);
  result<std::size_t> size(std::size_t items) const;
  result<void> stop(std::size_t items);
  result<void> finish(std::size_t items, std::optional<double> timeout, bool no_destroy_on_timeout);
  result<void> destroy();
  result<thread> add_worker(std::function<void()> loop);
  result<std::vector<thread>> workers() const;

 private:
  void worker_exited() noexcept;
  affinity home_;
  std::string name_;
  std::function<void()> drop_items_;
  semaphore items_{1'000'000'000, 0};
  std::optional<lock> stopped_;  // held from stop() on, only ever destroyed: finish waits on it
  bool destroyed_ = false;
  int worker_id_ = 0;
  std::vector<thread> workers_;
  wait_queue worker_exits_;  // finish() waits here for the last worker
};

}  // namespace detail

template <class T>
class queue {
  static_assert(std::is_move_constructible_v<T>, "queue items must be movable");

 public:
  explicit queue(queue_options options = {})
      : s_(std::make_shared<state>(std::move(options.name))) {}

  result<void> push(T item) {
    if (auto ok = s_->core.admit_push(); !ok) return ok;  // "stopping", "destroyed"
    s_->items.push_back(std::move(item));
    s_->core.pushed();
    return {};
  }

  result<T> pop(std::optional<double> timeout = std::nullopt) { return pop_from(*s_, timeout); }
  template <class Rep, class Period>
  result<T> pop(std::chrono::duration<Rep, Period> timeout) {
    return pop(std::optional<double>(to_seconds(timeout)));
  }

  result<std::size_t> get_size() const { return s_->core.size(s_->items.size()); }
  result<void> stop() { return s_->core.stop(s_->items.size()); }
  result<void> finish(std::optional<double> timeout = std::nullopt,
                      bool no_destroy_on_timeout = false) {
    return s_->core.finish(s_->items.size(), timeout, no_destroy_on_timeout);
  }
  result<void> destroy() { return s_->core.destroy(); }

  // fn: callable as fn(T). Returns the worker fiber, or "destroyed".
  template <class F>
  result<thread> add_worker(F fn) {
    static_assert(std::is_invocable_v<F&, T&&>, "expected worker to be a function of the item");
    return s_->core.add_worker([s = s_, fn = std::move(fn)]() mutable {
      for (;;) {
        result<T> item = pop_from(*s, forever);
        if (!item) return;
        fn(std::move(*item));
      }
    });
  }

  // The workers added by add_worker() that are still running.
  result<std::vector<thread>> get_workers() const { return s_->core.workers(); }

  const std::string& name() const noexcept { return s_->core.name(); }

  friend bool operator==(const queue& a, const queue& b) noexcept { return a.s_ == b.s_; }

 private:
  struct state {
    explicit state(std::optional<std::string> name)
        : core(std::move(name), [this] { items.clear(); }) {}
    std::deque<T> items;
    detail::queue_core core;
  };

  static result<T> pop_from(state& s, std::optional<double> timeout) {
    // in_place_*: an item type like std::any would make a bare `return error` ambiguous.
    if (auto ok = s.core.await_item(timeout); !ok) {
      return result<T>(boost::system::in_place_error, ok.error());
    }
    if (s.items.empty()) {  // destroyed after the item was handed to this pop
      return result<T>(boost::system::in_place_error, errc::destroyed);
    }
    result<T> item(boost::system::in_place_value, std::move(s.items.front()));
    s.items.pop_front();
    s.core.popped(s.items.empty());
    return item;
  }

  std::shared_ptr<state> s_;
};

}  // namespace copas

#include <copas/core/api_suffix.hpp>
