#include <copas/sync/affinity.hpp>
#include <copas/sync/lock.hpp>

#include <copas/core/wait.hpp>

#include "arguments.hpp"

#include <cstdint>

namespace copas {

namespace {

enum class outcome { waiting, granted, destroyed };

// One waiting fiber; lives on its own stack and is found through the wait_queue tag. The
// releasing fiber writes the outcome here rather than on the lock, so a waiter never needs the
// lock again once it has been answered.
struct waiter {
  waker self;  // names the same wait as the queue's node: tells a live waiter from a departed one
  outcome out = outcome::waiting;
};

waiter& waiter_of(std::uintptr_t tag) noexcept { return *reinterpret_cast<waiter*>(tag); }

}  // namespace

struct lock::state {
  detail::affinity home;
  double timeout;
  bool not_reentrant;
  thread owner;
  long count = 0;  // re-entrant depth of the owner
  bool destroyed = false;
  wait_queue waiters{"lock"};
  // The waiter handed the lock that has not run yet: destroy() turns its success into
  // "destroyed", as Copas does for the owner's pending result.
  waiter* handed = nullptr;
  // The head waiter's wait ended (timeout, removal) but it has not run yet to leave the queue:
  // the lock stays reserved until it does and hands the lock on, so nobody barges in.
  bool reserved = false;

  bool free() const noexcept { return count == 0 && !reserved; }

  // Direct FIFO hand-off: the first waiter becomes the owner before it runs, so no fiber can
  // barge in between release() and the waiter resuming.
  void hand_off() noexcept {
    owner = thread();
    count = 0;
    reserved = false;
    if (waiters.empty()) return;
    waiter& next = waiter_of(waiters.front_tag());
    if (!next.self.pending()) {
      reserved = true;
      return;
    }
    owner = waiters.front_thread();
    waiters.notify_one();  // the head is live: this wakes exactly `next`
    next.out = outcome::granted;
    handed = &next;
    count = 1;
  }

  // A waiter left without the lock: if it was holding up a hand-off, pass the lock on.
  void departed() noexcept {
    if (reserved && !destroyed) hand_off();
  }
};

lock::lock(std::optional<double> timeout, bool not_reentrant) : s_(std::make_shared<state>()) {
  s_->timeout = timeout ? detail::checked_timeout(
                              *timeout,
                              "expected timeout (1st argument) to be a number greater than or "
                              "equal to 0, got: ")
                        : 10.0;
  s_->not_reentrant = not_reentrant;
}

lock_result lock::get(std::optional<double> timeout) {
  state& s = *s_;
  s.home.check("lock");
  if (s.destroyed) return lock_result::failure(errc::destroyed, 0);
  const double t = detail::call_timeout(timeout, s.timeout);

  if (s.free()) {
    s.owner = running_thread();
    s.count = 1;
    return lock_result::success(0);
  }
  if (!s.not_reentrant && is_running(s.owner)) {
    ++s.count;
    return lock_result::success(0);
  }
  // A zero-timeout probe never touches the queue (Copas #201: it used to poison the lock).
  if (t == 0) return lock_result::failure(errc::timeout, 0);

  std::shared_ptr<state> keep = s_;  // the lock outlives this wait even if every handle goes
  waiter w{this_thread::get_waker()};
  // The deadline needs the precise clock (a wait must never end early, and the coarse one can
  // lag by more than its tick under load); the wait time only the coarse one: a hand-off takes a
  // few hundred ns, and two more precise reads would add a tenth to it.
  const auto deadline = detail::deadline_in(t);
  const auto start = coarse_now();
  try {
    s.waiters.wait(deadline, wait_kind::sync, reinterpret_cast<std::uintptr_t>(&w));
  } catch (const thread_cancelled&) {
    if (keep->handed == &w) keep->handed = nullptr;
    if (w.out == outcome::granted && !keep->destroyed) {
      keep->hand_off();  // handed the lock but removed before running: pass it on
    } else {
      keep->departed();
    }
    throw;
  }
  if (keep->handed == &w) keep->handed = nullptr;
  if (w.out == outcome::granted) return lock_result::success(to_seconds(coarse_now() - start));
  // Not the hot path: now from the precise clock, so that a timed-out wait never reports less
  // than its timeout (`start` is never ahead of the precise clock; the coarse one may not have
  // ticked since the deadline).
  const double waited = to_seconds(clock::now() - start);
  if (w.out == outcome::destroyed || keep->destroyed) {
    return lock_result::failure(errc::destroyed, waited);
  }
  keep->departed();
  return lock_result::failure(errc::timeout, waited);
}

result<void> lock::release() {
  state& s = *s_;
  s.home.check("lock");
  if (s.destroyed) return errc::destroyed;
  if (s.count == 0 || !is_running(s.owner)) return errc::not_owner;
  if (--s.count > 0) return {};
  s.hand_off();
  return {};
}

result<void> lock::destroy() {
  state& s = *s_;
  s.home.check("lock");
  if (s.destroyed) return errc::destroyed;
  s.destroyed = true;
  s.reserved = false;
  if (s.handed) {
    s.handed->out = outcome::destroyed;
    s.handed = nullptr;
  }
  s.waiters.notify_all();  // each waiter finds the lock destroyed when it runs
  return {};
}

double lock::timeout() const {
  s_->home.check("lock");
  return s_->timeout;
}

bool lock::not_reentrant() const {
  s_->home.check("lock");
  return s_->not_reentrant;
}

thread lock::owner() const {
  s_->home.check("lock");
  return s_->owner;
}

bool lock::destroyed() const {
  s_->home.check("lock");
  return s_->destroyed;
}

}  // namespace copas
