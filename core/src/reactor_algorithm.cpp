#include "reactor_algorithm.hpp"

#include "dispatcher_impl.hpp"
#include "sanitizer.hpp"
#include "watchdog.hpp"

#include <event2/event.h>

#include <algorithm>

namespace copas::detail {

using boost::fibers::context;
using boost::fibers::type;

void reactor_algorithm::awakened(context* ctx, fiber_props& props) noexcept {
  finish_switch();
  bool user = !ctx->is_context(type::dispatcher_context);
  thread_state* s = props.state.get();
  if (polling_ && s && s->io_wake) {
    ctx->ready_link(io_ready_);
  } else {
    ctx->ready_link(ready_);
  }
  if (s) s->io_wake = false;
  if (user) ++user_ready_;
}

context* reactor_algorithm::pick_next() noexcept {
  finish_switch();
  // Boost's dispatcher context takes one turn per round of the ready queue: polling for I/O and
  // timers on its turn means busy fibers never starve sockets, and a callback can never wake a
  // fiber in the middle of that fiber's own switch. When rounds are very short, the poll waits
  // for enough switches or a clock tick (a poll is a system call; a round of two yields is not).
  // With no fiber ready the blocking poll in suspend_until comes next anyway: a non-blocking one
  // first would only cost two more system calls per idle moment (libevent's timerfd and epoll).
  if (disp_ && !ready_.empty() && dispatcher_turn_ && poll_due()) poll(false, {});
  if (ready_.empty()) return nullptr;  // the dispatcher blocks next, and picks again
  context* ctx = &ready_.front();
  ready_.pop_front();
  // Only Boost's dispatcher context calls pick_next right after being picked (its loop): knowing
  // that spares a context::active() per switch (a TLS lookup in Boost's shared library).
  dispatcher_turn_ = ctx->is_context(type::dispatcher_context);
  thread_state* next = nullptr;
  if (!ctx->is_context(type::dispatcher_context)) {
    ++picks_since_poll_;  // fiber switches only: the dispatcher's own turns are not fibers running
    --user_ready_;
    auto* props = props_of(ctx);
    next = props ? props->state.get() : nullptr;
    if (disp_ && !(next && next->is_driver)) disp_->activity = true;
  }
  if (disp_) {
    account_switch(next);
    disp_->running_state = next;
  }
  start_switch(ctx);
  return ctx;
}

// copas::fibers()' switch counts and (opt-in) CPU times, and the watchdog's view of who runs.
// The coarse clock samples CPU time: a turn shorter than a tick mostly counts nothing, the one
// that sees the tick change counts the whole tick, which is right on average over many turns.
// Even that read is a measurable share of a 100 ns switch, hence the option.
void reactor_algorithm::account_switch(thread_state* next) noexcept {
  if (next) ++next->switches;
  if (disp_->options.fiber_cpu_time) [[unlikely]] {
    auto now = coarse_now();
    if (thread_state* prev = disp_->running_state) prev->cpu += now - disp_->ran_since;
    disp_->ran_since = now;
  }
  if (disp_->watched) [[unlikely]]
    disp_->watched->switched(next);
}

void reactor_algorithm::detach() noexcept {
  disp_->timers->cancel(limit_timer_);
  disp_ = nullptr;
}

bool reactor_algorithm::has_ready_fibers() const noexcept { return !ready_.empty(); }

void reactor_algorithm::suspend_until(std::chrono::steady_clock::time_point const& tp) noexcept {
  if (!disp_) return;
  // The loop driver waits for the loop to go idle: wake it instead of blocking, once per burst
  // of activity, so that it can decide whether the loop is finished.
  if (disp_->driver && disp_->driver->parked && disp_->activity) {
    disp_->activity = false;
    disp_->resume(disp_->driver, wake_reason::woken);
    return;
  }
  poll(true, tp);
}

void reactor_algorithm::notify() noexcept {
  // Another thread made one of our fibers ready (a Boost.Fiber primitive); wake the loop.
  if (disp_ && disp_->posted) disp_->posted->signal();
}

bool reactor_algorithm::poll_due() noexcept {
  if (picks_since_poll_ >= disp_->options.poll_every_switches) return true;
  // A coarse clock read costs a few ns (the precise one 20+): enough to bound the poll latency
  // of long-running fibers by one clock tick.
  auto tick = coarse_now();
  if (tick != last_poll_tick_) {
    last_poll_tick_ = tick;
    return true;
  }
  return false;
}

// dispatcher_options::spin_for_post (opt-in): fibers waiting on another thread's result
// (wait_kind::external) are woken by a cross-thread post; watching for it on the CPU for a
// bounded moment is cheaper than a kernel sleep and wake-up. Sockets and timers are not polled
// meanwhile, hence the small bound.
bool reactor_algorithm::spin_for_post(std::chrono::steady_clock::time_point until) noexcept {
  const auto budget = disp_->options.spin_for_post;
  if (disp_->external == 0 || !disp_->posted || budget.count() <= 0) return false;
  return disp_->posted->spin_for_post(std::min(until, std::chrono::steady_clock::now() + budget));
}

void reactor_algorithm::poll(bool block, std::chrono::steady_clock::time_point until) noexcept {
  disp_->before_poll();
  polling_ = true;
  if (block && spin_for_post(until)) {
    disp_->posted->drain();  // the post came while spinning: it wrote no eventfd, run it here
  } else {
    if (block) disp_->trim_heap_if_due();
    run_event_loop(block, until);
  }
  polling_ = false;
  // Fibers woken by socket readiness go first, before those whose timers expired (Copas's
  // readable and writable phases come before its sleeping phase).
  if (!io_ready_.empty()) ready_.splice(ready_.begin(), io_ready_);
  picks_since_poll_ = 0;
  disp_->after_poll();
}

void reactor_algorithm::run_event_loop(bool block,
                                       std::chrono::steady_clock::time_point until) noexcept {
  bool limited = block && until != std::chrono::steady_clock::time_point::max();
  if (limited) disp_->timers->schedule(limit_timer_, until);
  // EVLOOP_ONCE in both cases: a bare EVLOOP_NONBLOCK keeps iterating for as long as some event
  // stays active, and a level-triggered event nobody drains would then hold the thread forever.
  event_base_loop(disp_->base, block ? EVLOOP_ONCE : EVLOOP_ONCE | EVLOOP_NONBLOCK);
  if (limited) disp_->timers->cancel(limit_timer_);
}

}  // namespace copas::detail
