#include <copas/async/addthread.hpp>
#include <copas/async/detail/job.hpp>

#include "completions.hpp"
#include "current_job.hpp"
#include "pool.hpp"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cmath>
#include <exception>
#include <stdexcept>

namespace copas::async::detail {

thread_local job* current_job = nullptr;
thread_local bool forced_unwind = false;

namespace {

void tsan_acquire(void* p);
void tsan_release(void* p);

std::string describe(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown error";
  }
}

// ThreadSanitizer cannot follow a thread unwound by pthread_cancel: its runtime (built without
// exceptions) leaves the interrupted interceptor "entered", so from then on that thread's locks
// and atomics are invisible to it. The one edge that matters -- everything the forced worker did
// to the job happens before the job is destroyed -- is therefore stated explicitly; and such a
// worker never drops the last reference itself (the watchdog does, see pool::retire), since its
// unseen acquire would make the destruction look like a race with every other user of the job.
#if defined(COPAS_TSAN)
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
void tsan_acquire(void* p) { __tsan_acquire(p); }
void tsan_release(void* p) { __tsan_release(p); }
#else
void tsan_acquire(void*) {}
void tsan_release(void*) {}
#endif

}  // namespace

cancellable_region::cancellable_region() noexcept {
  pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, nullptr);
}

cancellable_region::~cancellable_region() {
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, nullptr);
}

job::job() : completions_(completions::of_current()) {}

job::~job() = default;

void job::destroying() noexcept { tsan_acquire(this); }

bool job::final() const {
  std::lock_guard lock(m_);
  return state_ != PENDING;
}

lane_status job::lane() const {
  std::lock_guard lock(m_);
  return lane_;
}

void job::check_owner() const {
  if (dispatcher::current().get_remote() != completions_->remote())
    throw std::logic_error(
        "copas::async: a future can only be used on the thread of the dispatcher that created it");
}

bool job::wait_final() {
  check_owner();
  // A fiber that leaves the wait by cancellation (removethread, a task_group) or at its deadline
  // scope's deadline is the task's last observer if nobody else waits: the task is stopped then,
  // as cancel() would (its worker told through its stop token), instead of running for nobody.
  // Spurious wake-ups (none are expected) re-check and park again.
  while (!final()) {
    wake_reason why;
    try {
      why = waiters_.wait(clock::time_point::max(), wait_kind::external);
    } catch (...) {
      if (waiters_.empty()) cancel();
      throw;
    }
    if (why == wake_reason::timeout) {
      if (waiters_.empty()) cancel();
      return false;
    }
  }
  return true;
}

void job::fail_current() { fail(describe(std::current_exception())); }

void job::fail(std::string message) { store_failure(std::move(message), state_); }

void job::store_failure(std::string message, state& into) {
  std::lock_guard lock(m_);
  if (state_ != PENDING) return;
  error_ =
      std::make_unique<const copas::error>(make_error_code(errc::task_failed), std::move(message));
  into = ERROR;
}

bool job::cancel() {
  check_owner();
  bool started;
  {
    std::lock_guard lock(m_);
    if (state_ != PENDING) return false;
    state_ = ERROR;
    error_.reset();  // "cancelled"
    started = lane_ == lane_status::running;
  }
  waiters_.notify_all();
  on_cancel(started);
  return true;
}

std::stop_token job::stop_token() const {
  std::lock_guard lock(m_);
  if (!stop_.stop_possible()) {
    stop_ = std::stop_source();
    if (stop_wanted_) stop_.request_stop();  // no callbacks can be registered yet
  }
  return stop_.get_token();
}

void job::on_cancel(bool started) {
  std::stop_source source(std::nostopstate);
  {
    std::lock_guard lock(m_);
    stop_wanted_ = true;
    source = stop_;
  }
  // Runs the task's stop callbacks (sleep wake-up, SIGTERM to a child), outside m_.
  if (source.stop_possible()) source.request_stop();
  double t = cancel_timeout.load();
  // A task still queued is skipped by its worker; only a running one may need forcing. forever
  // (or NaN) arms nothing at all.
  if (started && t >= 0 && std::isfinite(t)) {
    auto wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(t));
    pool::instance().watch(weak_from_this(), std::chrono::steady_clock::now() + wait);
  }
}

void job::set_child(pid_t pgid) {
  std::lock_guard lock(m_);
  child_ = pgid;
}

void job::clear_child() {
  std::lock_guard lock(m_);
  child_ = 0;
}

void job::signal_child(int sig) {
  std::lock_guard lock(m_);
  // The child is reaped only after clear_child(), so its group id cannot have been reused here.
  if (child_ > 0) ::kill(-child_, sig);
}

bool job::force_child() {
  std::lock_guard lock(m_);
  if (child_ <= 0) return false;
  ::kill(-child_, SIGKILL);
  lane_ = lane_status::killed;
  return true;
}

void job::mark_killed() {
  std::lock_guard lock(m_);
  lane_ = lane_status::killed;
}

bool job::run() {
  job* self = this;
  {
    std::lock_guard lock(self->m_);
    if (self->state_ != PENDING) {  // cancelled while queued; its waiters are already released
      self->lane_ = lane_status::cancelled;
      return false;
    }
    self->lane_ = lane_status::running;
  }
  bool threw = false;
  {
    struct current_scope {
      explicit current_scope(job* j) { current_job = j; }
      ~current_scope() { current_job = nullptr; }
    } scope(self);
    try {
      self->execute(self->wants_stop_token() ? self->stop_token() : std::stop_token{});
    } catch (...) {
      // A forced stop (pthread_cancel) unwinds with a foreign exception, abi::__forced_unwind,
      // which must never be swallowed. libstdc++ gives foreign exceptions no exception_ptr; that
      // test also spares UBSan a null reference binding in `catch (abi::__forced_unwind&)`.
      auto error = std::current_exception();
      if (!error) {
        forced_unwind = true;
        tsan_release(self);
        throw;
      }
      threw = true;
      self->store_failure(describe(error), self->staged_);
    }
  }
  {
    std::lock_guard lock(self->m_);
    if (self->lane_ == lane_status::running)
      self->lane_ = self->stop_wanted_ ? lane_status::cancelled
                    : threw            ? lane_status::error
                                       : lane_status::done;
  }
  return true;
}

void job::notify(std::shared_ptr<job> self) {
  // Waiters live on the dispatcher thread: wake them there. The job reference travels with the
  // hand-back so that the last one is normally dropped on that thread too.
  {
    std::lock_guard lock(self->m_);
    if (self->state_ == PENDING) self->state_ = self->staged_;
  }
  // No reference taken to the hand-back: the job's own keeps it alive while push() needs it.
  completions* back = self->completions_.get();
  back->push(std::move(self));
}

}  // namespace copas::async::detail
