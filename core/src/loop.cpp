// loop, step, finished and the exit signalling.
#include "dispatcher_impl.hpp"
#include "reactor_algorithm.hpp"

#include <copas/core/loop.hpp>
#include <copas/core/thread.hpp>

#include <boost/fiber/operations.hpp>

namespace copas {

using detail::thread_state;

bool dispatcher::impl::is_finished() const noexcept {
  return reading == 0 && writing == 0 && algo->ready_fibers() == 0 && sleeping == 0 &&
         external == 0 && !((timeouts + sync_deadlines) > 0 && (lethargic + sync_waiting) > 0);
}

// Parks the calling fiber (the loop driver) until the other fibers have run and the loop has gone
// idle again, or until `timeout` seconds pass.
void dispatcher::impl::run_until_idle(std::optional<double> timeout) {
  thread_state* s = current_state();
  thread_state* outer = driver;
  driver = s;
  bool was_driver = s->is_driver;
  s->is_driver = true;
  struct restore {
    dispatcher::impl* d;
    thread_state* s;
    thread_state* outer;
    bool was;
    ~restore() {
      s->is_driver = was;
      d->driver = outer;
    }
  } guard{this, s, outer, was_driver};
  auto deadline = timeout ? deadline_after(*timeout) : clock::time_point::max();
  park(s, wait_kind::lethargy, deadline, nullptr);
}

void loop(std::function<void()> init, std::optional<double> timeout) {
  auto& d = detail::current_impl();
  if (init) addnamedthread("copas_initializer", std::move(init));
  d.exiting = false;
  d.running = true;
  struct not_running {
    dispatcher::impl& d;
    ~not_running() { d.running = false; }
  } guard{d};
  for (;;) {
    if (d.is_finished()) {
      if (*d.exiting) break;
      exit();  // may release waitforexit() waiters, which may schedule more work
      continue;
    }
    d.run_until_idle(timeout);
  }
}

void loop(std::optional<double> timeout) { loop({}, timeout); }

bool step(std::optional<double> timeout) {
  auto& d = detail::current_impl();
  auto events_before = d.events;
  if (d.algo->ready_fibers() > 0) {
    // One round: every ready fiber runs once, then the algorithm polls and we come back.
    boost::this_fiber::yield();
    d.algo->finish_switch();
  } else {
    d.activity = false;
    d.run_until_idle(timeout);
  }
  return d.events != events_before;
}

bool finished() { return detail::current_impl().is_finished(); }

bool running() { return detail::current_impl().running; }

void exit() {
  auto& d = detail::current_impl();
  if (d.exiting.value_or(false)) return;
  d.exiting = true;
  d.exit_waiters.notify_all();
}

std::optional<bool> exiting() { return detail::current_impl().exiting; }

void waitforexit() {
  auto& d = detail::current_impl();
  if (d.exiting.value_or(false)) return;
  // Like Copas (a semaphore take without timeout): an inactive wait that does not keep the loop
  // alive, so the loop's own exit() releases it.
  d.exit_waiters.wait(clock::time_point::max(), wait_kind::lethargy);
}

void cancelall() {
  auto& d = detail::current_impl();
  thread_state* self = d.current_state();
  for (thread_state* s = d.live_head; s; s = s->live_next) {
    if (s == self || s->is_driver) continue;
    s->disarm_timeout();  // pending copas::timeout() callbacks are dropped too
    d.cancel(s);
  }
  exit();
}

}  // namespace copas
