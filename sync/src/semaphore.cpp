#include <copas/sync/affinity.hpp>
#include <copas/sync/semaphore.hpp>

#include <copas/core/thread.hpp>
#include <copas/core/wait.hpp>

#include "arguments.hpp"

#include <stdexcept>

namespace copas {

namespace {

enum class outcome { waiting, served };

// One waiting fiber, on its own stack, found through the wait_queue tag.
struct waiter {
  std::int64_t requested;
  waker self;  // names the same wait as the queue's node: tells a live waiter from a departed one
  outcome out = outcome::waiting;
};

waiter& waiter_of(std::uintptr_t tag) noexcept { return *reinterpret_cast<waiter*>(tag); }

void check_amount(std::int64_t n, const char* what) {
  if (n < 0) {
    throw std::invalid_argument(
        std::string("expected ") + what +
        " to be a number greater than or equal to 0, got: " + std::to_string(n));
  }
}

}  // namespace

struct semaphore::state {
  detail::affinity home;
  std::int64_t max;
  std::int64_t count;
  double timeout;
  std::int64_t requested_by_waiters = 0;
  bool destroyed = false;
  wait_queue waiters{"semaphore"};

  // Adds resources, capped at max; reports whether the cap cut the gift.
  bool add(std::int64_t given) noexcept {
    const bool capped = given > max - count;
    count = capped ? max : count + given;
    return !capped;
  }

  // Serves waiters from the head while they fit; the first that does not fit stops the line.
  // A head whose wait is over (timeout, removal) but that has not run yet to leave the queue
  // stops it too: it calls serve() again when it runs.
  void serve() noexcept {
    while (!waiters.empty()) {
      waiter& head = waiter_of(waiters.front_tag());
      if (head.requested > count || !head.self.pending()) return;
      waiters.notify_one();  // the head is live: this wakes exactly `head`
      count -= head.requested;
      requested_by_waiters -= head.requested;
      head.out = outcome::served;
    }
  }
};

semaphore::semaphore(std::int64_t max, std::int64_t start, std::optional<double> timeout)
    : s_(std::make_shared<state>()) {
  if (max < 1) {
    throw std::invalid_argument(
        "expected max resources (1st argument) to be a number greater than 0, got: " +
        std::to_string(max));
  }
  if (start < 0 || start > max) {
    throw std::invalid_argument(
        "expected start (2nd argument) to be a number from 0 to max, got: " +
        std::to_string(start));
  }
  s_->max = max;
  s_->count = start;
  s_->timeout = timeout ? detail::checked_timeout(
                              *timeout,
                              "expected timeout (2nd argument) to be a number greater than or "
                              "equal to 0, got: ")
                        : 10.0;
}

result<void> semaphore::take(std::int64_t requested, std::optional<double> timeout) {
  state& s = *s_;
  s.home.check("semaphore");
  if (s.destroyed) return errc::destroyed;
  check_amount(requested, "requested resources (1st argument)");
  const double t = detail::call_timeout(timeout, s.timeout);

  // The queue only ever holds live waiters (they unlink on timeout and removal), so an empty
  // queue means nobody is ahead (Copas 4.11 kept dead slots here and queued needlessly, #205).
  if (s.waiters.empty() && s.count >= requested) {
    s.count -= requested;
    return {};
  }
  if (requested > s.max) return errc::too_many;
  if (t == 0) return errc::timeout;

  std::shared_ptr<state> keep = s_;  // the semaphore outlives this wait
  waiter w{requested, this_thread::get_waker()};
  s.requested_by_waiters += requested;
  try {
    s.waiters.wait(detail::deadline_in(t), wait_kind::sync, reinterpret_cast<std::uintptr_t>(&w));
  } catch (const thread_cancelled&) {
    if (w.out == outcome::served) {
      keep->add(requested);  // served but removed before running: hand the resources on
    } else {
      keep->requested_by_waiters -= requested;
    }
    if (!keep->destroyed) keep->serve();
    throw;
  }
  if (w.out == outcome::served) return {};
  if (keep->destroyed) return errc::destroyed;
  // Timed out: this waiter may have been the one blocking the line.
  keep->requested_by_waiters -= requested;
  if (!keep->destroyed) keep->serve();
  return errc::timeout;
}

result<void> semaphore::give(std::int64_t given) {
  state& s = *s_;
  s.home.check("semaphore");
  if (s.destroyed) return errc::destroyed;
  check_amount(given, "given resources (1st argument)");
  const bool fitted = s.add(given);
  s.serve();
  if (!fitted) return errc::too_many;
  return {};
}

result<std::int64_t> semaphore::get_count() const {
  s_->home.check("semaphore");
  if (s_->destroyed) return errc::destroyed;
  return s_->count;
}

result<std::int64_t> semaphore::get_wait() const {
  s_->home.check("semaphore");
  if (s_->destroyed) return errc::destroyed;
  return s_->requested_by_waiters - s_->count;
}

result<void> semaphore::destroy() {
  state& s = *s_;
  s.home.check("semaphore");
  if (s.destroyed) return errc::destroyed;
  s.destroyed = true;
  s.count = s.max;
  s.requested_by_waiters = 0;
  s.waiters.notify_all();  // each waiter finds the semaphore destroyed when it runs
  return {};
}

std::int64_t semaphore::max() const {
  s_->home.check("semaphore");
  return s_->max;
}

double semaphore::timeout() const {
  s_->home.check("semaphore");
  return s_->timeout;
}

bool semaphore::destroyed() const {
  s_->home.check("semaphore");
  return s_->destroyed;
}

}  // namespace copas
