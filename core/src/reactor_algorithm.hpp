#pragma once
// The Boost.Fiber scheduling algorithm of a dispatcher: a FIFO ready queue whose rounds are
// separated by polls of the libevent event_base, and whose idle time is spent blocked in
// libevent.

#include "thread_state.hpp"

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/scheduler.hpp>

#include <chrono>
#include <cstddef>

namespace copas::detail {

class reactor_algorithm final : public boost::fibers::algo::algorithm_with_properties<fiber_props> {
 public:
  explicit reactor_algorithm(dispatcher::impl& d) noexcept : disp_(&d) {}

  void awakened(boost::fibers::context* ctx, fiber_props& props) noexcept override;
  boost::fibers::context* pick_next() noexcept override;
  bool has_ready_fibers() const noexcept override;
  void suspend_until(std::chrono::steady_clock::time_point const& tp) noexcept override;
  void notify() noexcept override;

  // Fibers ready to run, not counting Boost's own dispatcher context.
  std::size_t ready_fibers() const noexcept { return user_ready_; }

  // The dispatcher is going away: from now on a plain FIFO that never touches it.
  // Frees the algorithm's own event: call while the event_base still exists.
  void detach() noexcept;

  // Called by the wake paths while a poll runs callbacks.
  bool polling() const noexcept { return polling_; }

  // Completes a pending sanitizer stack switch if we are now on the target context.
#if defined(COPAS_ASAN) || defined(COPAS_TSAN)
  void finish_switch() noexcept;
#else
  void finish_switch() noexcept {}  // nothing to announce: inlined away on the hot paths
#endif

 private:
  using ready_queue = boost::fibers::scheduler::ready_queue_type;
  void poll(bool block, std::chrono::steady_clock::time_point until) noexcept;
  void run_event_loop(bool block, std::chrono::steady_clock::time_point until) noexcept;
#if defined(COPAS_ASAN) || defined(COPAS_TSAN)
  void start_switch(boost::fibers::context* to) noexcept;
#else
  void start_switch(boost::fibers::context*) noexcept {}
#endif
  bool poll_due() noexcept;
  void account_switch(thread_state* next) noexcept;
  bool spin_for_post(std::chrono::steady_clock::time_point until) noexcept;

  dispatcher::impl* disp_;
  ready_queue ready_;
  ready_queue io_ready_;  // woken by socket readiness during the current poll
  std::size_t user_ready_ = 0;
  bool polling_ = false;
  timer limit_timer_{[](timer&) {}, nullptr};  // bounds a blocking poll by Boost's sleep queue
  unsigned picks_since_poll_ = 0;
  clock::time_point last_poll_tick_{};  // coarse_now() at the last tick-driven poll
  bool dispatcher_turn_ = false;        // the last context picked was Boost's dispatcher

  // Sanitizer switch in flight (see sanitizer.cpp).
  boost::fibers::context* switch_to_ = nullptr;
};

}  // namespace copas::detail
