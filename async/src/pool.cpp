#include "pool.hpp"

#include "current_job.hpp"

#include <copas/core/spin_wait.hpp>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace copas::async::detail {
namespace {

using steady = std::chrono::steady_clock;

// Workers run user code; process signals belong to the application's threads, and a cancellation
// request must only ever land while user code runs (cancellable_region).
void prepare_worker_thread() {
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, nullptr);
  pthread_setcanceltype(PTHREAD_CANCEL_DEFERRED, nullptr);
  sigset_t all;
  sigfillset(&all);
  for (int sync_signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS})
    sigdelset(&all, sync_signal);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
}

std::chrono::nanoseconds to_wait(double seconds) {
  // Anything past a year is "forever" for a condition-variable wait.
  if (!(seconds < 365.0 * 24 * 3600)) return std::chrono::hours(24 * 365);
  if (seconds < 0) seconds = 0;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(seconds));
}

}  // namespace

pool& pool::instance() {
  // Never destroyed: detached workers may still be parked on its condition variable at exit.
  static pool* p = new pool();
  return *p;
}

pool::pool() = default;

void pool::configure(const pool_options& o) {
  std::lock_guard lock(m_);
  options_ = o;
  if (options_.max_workers == 0) options_.max_workers = 1;
  count_workers_locked();
  work_cv_.notify_all();  // idle workers re-read idle_timeout
}

pool_options pool::options() {
  std::lock_guard lock(m_);
  return options_;
}

pool_stats pool::stats() {
  std::lock_guard lock(m_);
  pool_stats s = stats_;
  work_queued_locked();
  s.queued = queue_.size();
  s.stranded = stranded_.load();
  return s;
}

void pool::submit(std::shared_ptr<job> j) {
  ensure_launcher();
  intake_.push(std::move(j));
  // In a burst with every worker started, that is all: busy and spinning workers look at the
  // intake before they sleep, and m_ stays theirs (it was the profile's top entry when every
  // submit took it). Only a worker blocked on work_cv_ needs the signal: it counts itself in
  // sleeping_ and then looks at the intake once more, so this load sees it or it sees the task.
  // The same pairing of full_ with retire()'s look at the intake lets the pool grow again.
  if (full_.load() && sleeping_.load() == 0) return;
  bool wake = false;
  {
    std::lock_guard lock(m_);
    work_queued_locked();
    if (queue_.size() > stats_.idle && stats_.workers < options_.max_workers) spawn_locked();
    // One wake per sleeper: a worker already woken is no longer counted, so the submits that
    // follow during its wake-up (tens of microseconds on a VM) do not each signal again. Half
    // the submits of a burst paid for a futex wake before.
    if (sleeping_.load() > 0) {
      sleeping_.fetch_sub(1);
      ++woken_;
      wake = true;
    }
  }
  // Outside m_: a notify under it would wake the worker straight into the lock we still hold.
  // Taking m_ at all is what makes it safe: a worker that counted itself held m_ until its wait.
  if (wake) work_cv_.notify_one();
}

bool pool::work_queued_locked() {
  if (!intake_.empty()) {
    queue_.append(intake_.take_all());
    queued_.store(true, std::memory_order_relaxed);
  }
  return !queue_.empty();
}

void pool::count_workers_locked() { full_.store(stats_.workers >= options_.max_workers); }

// Creating a thread is slow and unbounded: the kernel's clone, the new stack's mapping and, under
// ThreadSanitizer, a wait in pthread_create until the new thread has been scheduled and has
// registered itself. On a loaded machine that wait is a scheduler time slice per thread; done on
// the dispatcher thread (in submit) and with m_ held (so finishing workers could not hand results
// back meanwhile either), 100 submits stalled the loop for half a second. The dispatcher only
// counts the worker and wakes the launcher.
void pool::spawn_locked() {
  ++stats_.workers;
  ++stats_.created;
  count_workers_locked();
  if (stats_.workers > stats_.peak_workers) stats_.peak_workers = stats_.workers;
  ++launches_;
  launch_cv_.notify_one();
}

void pool::ensure_launcher() {
  // Once, on the first submit: the only thread a dispatcher ever starts itself. call_once lets a
  // later submit retry if this one threw.
  std::call_once(launcher_once_, [this] {
    int rc = start_detached(&pool::launcher_main, this);
    if (rc != 0)
      throw std::system_error(rc, std::generic_category(), "copas::async: cannot start a worker");
  });
}

int pool::start_detached(void* (*main)(void*), void* arg) {
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  // Detached: a worker that exits (idle, or unwound by a forced stop) reclaims itself.
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  int rc = pthread_create(&t, &attr, main, arg);
  pthread_attr_destroy(&attr);
  return rc;
}

void* pool::launcher_main(void* self) {
  prepare_worker_thread();
  static_cast<pool*>(self)->launch();
  return nullptr;
}

void pool::launch() {
  std::unique_lock lock(m_);
  for (;;) {
    launch_cv_.wait(lock,
                    [this] { return launches_ > 0 || (watchdog_wanted_ && !watchdog_started_); });
    if (watchdog_wanted_ && !watchdog_started_) {
      lock.unlock();
      int rc = start_detached(&pool::watchdog_main, this);
      lock.lock();
      if (rc == 0) {
        watchdog_started_ = true;
      } else {
        // Forced stops wait; retried when the next one is armed or a worker is launched.
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        lock.lock();
      }
      continue;
    }
    --launches_;
    // Listed before it exists, so that its own first steps (it may take a task, or retire at
    // once) find it; it records its pthread_t itself, under m_, before taking any task.
    auto* w = new worker();
    workers_.push_back(w);
    lock.unlock();
    int rc = start_detached(&pool::worker_main, w);
    lock.lock();
    if (rc == 0) continue;
    std::erase(workers_, w);
    delete w;
    --stats_.workers;
    --stats_.created;
    count_workers_locked();
    // Running workers will drain the queue. With none at all the queued tasks would never run:
    // the launch is retried after a pause (threads are usually short for a moment only), as a
    // task waits for a worker at max_workers.
    if (stats_.workers == 0 && work_queued_locked()) {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      lock.lock();
      if (stats_.workers == 0 && work_queued_locked()) spawn_locked();
    }
  }
}

void* pool::worker_main(void* self) {
  prepare_worker_thread();
  pool::instance().work(static_cast<worker*>(self));
  return nullptr;
}

void pool::work(worker* w) {
  // Runs on every way out, including the unwinding of a forced stop (pthread_cancel).
  struct retirement {
    pool& p;
    worker* w;
    ~retirement() { p.retire(w); }
  } retire_on_exit{*this, w};

  std::unique_lock lock(m_);
  w->thread = pthread_self();  // force() reads it under m_
  std::shared_ptr<job> done;   // finished, its waiters not told yet
  for (;;) {
    while (queue_.empty() && !work_queued_locked()) {
      if (done) {
        // Counted idle before the result can wake a fiber, so that the task that fiber submits
        // next finds this worker rather than creating another.
        ++stats_.idle;
        lock.unlock();
        job::notify(std::move(done));
        lock.lock();
        --stats_.idle;
        continue;
      }
      ++stats_.idle;
      spin_for_work(lock);
      sleeping_.fetch_add(1);
      // Counted first, then one more look: a submit that did not see the count has pushed
      // before it (see submit()).
      if (work_queued_locked()) {
        sleeping_.fetch_sub(1);
        --stats_.idle;
        continue;
      }
      auto status = work_cv_.wait_for(lock, to_wait(options_.idle_timeout));
      // A wake-up that submit() asked for was uncounted by it. Any worker leaving the wait takes
      // one such request: which one notify_one() woke is unknown, and the counts stay right.
      if (woken_ > 0)
        --woken_;
      else
        sleeping_.fetch_sub(1);
      --stats_.idle;
      if (status == std::cv_status::timeout && std::isfinite(options_.idle_timeout) &&
          !work_queued_locked())
        return;
    }
    if (stats_.workers > options_.max_workers) {  // the bound was lowered
      lock.unlock();
      if (done) job::notify(std::move(done));
      return;
    }
    // With more work queued, the next task is taken in the same critical section that put the
    // last one down: one lock per task in a burst.
    w->current = queue_.pop_front();
    queued_.store(!queue_.empty(), std::memory_order_relaxed);
    job* const j = w->current.get();
    lock.unlock();
    if (done) job::notify(std::move(done));
    j->run();
    lock.lock();
    // Handed back even when run() skipped it (cancelled while queued, nobody to tell): its last
    // reference, and with it the task's destructors, then goes to the dispatcher thread rather
    // than running here under m_.
    done = std::move(w->current);
    // A forced stop that arrived after the task returned is still pending on this thread: it
    // must never reach the next task, so this worker leaves instead.
    if (w->forced) {
      lock.unlock();
      if (done) job::notify(std::move(done));
      return;
    }
  }
}

void pool::spin_for_work(std::unique_lock<std::mutex>& lock) {
  if (options_.spin_us == 0) return;
  const auto stop = steady::now() + std::chrono::microseconds(options_.spin_us);
  lock.unlock();
  // Relaxed loads only look; the queue itself is read under m_ once the lock is back.
  spin_until([this] { return queued_.load(std::memory_order_relaxed) || !intake_.empty(); }, stop);
  lock.lock();
}

void pool::retire(worker* w) {
  // Unwinding from pthread_cancel: force() already did the bookkeeping and owns `w` and its task.
  // ThreadSanitizer loses track of such a thread (its interrupted interceptor never leaves, so
  // the thread's locks and atomics become invisible to it): the task is therefore not released
  // here, where the last reference's acquire would go unseen and the release be reported as a
  // race with every other thread's use of the task, but by the watchdog once this flag is set.
  // Nothing after it touches `w` or the task. The lock only orders the flag with the watchdog's
  // wait (no lost wake-up).
  if (forced_unwind) {
    std::lock_guard lock(m_);
    stranded_.fetch_sub(1);
    w->unwound = true;
    watch_cv_.notify_one();
    return;
  }
  std::lock_guard lock(m_);
  if (w->forced) {  // returned normally after being forced: release what force() kept
    std::erase_if(forced_, [w](const std::unique_ptr<worker>& p) { return p.get() == w; });
    stranded_.fetch_sub(1);
    return;
  }
  std::erase(workers_, w);
  --stats_.workers;
  delete w;
  // The queue may have been waiting on this slot (bound lowered, or an exit racing a submit:
  // one that still saw the pool full pushed before this look at the intake).
  count_workers_locked();
  if (work_queued_locked() && stats_.idle == 0 && stats_.workers < options_.max_workers)
    spawn_locked();
}

std::vector<std::unique_ptr<pool::worker>> pool::take_unwound_locked() {
  std::vector<std::unique_ptr<worker>> done;
  for (auto& w : forced_)
    if (w->unwound) done.push_back(std::move(w));
  std::erase(forced_, nullptr);
  return done;
}

void pool::watch(std::weak_ptr<job> j, steady::time_point deadline) {
  ensure_launcher();
  std::lock_guard lock(m_);
  deadlines_.emplace(deadline, std::move(j));
  if (!watchdog_started_ && !watchdog_wanted_) {
    watchdog_wanted_ = true;  // started by the launcher, off this (dispatcher) thread
    launch_cv_.notify_one();
  }
  watch_cv_.notify_one();
}

void* pool::watchdog_main(void* self) {
  prepare_worker_thread();
  static_cast<pool*>(self)->watchdog();
  return nullptr;
}

// One thread for every pending forced stop, independent of any dispatcher: a watchdog must not
// keep a loop alive (async.md §3.3 quirk 2), and must still fire after that loop has returned.
void pool::watchdog() {
  std::unique_lock lock(m_);
  for (;;) {
    if (auto unwound = take_unwound_locked(); !unwound.empty()) {
      lock.unlock();
      unwound.clear();  // their tasks' destructors run user code: never under m_
      lock.lock();
      continue;
    }
    if (deadlines_.empty()) {
      watch_cv_.wait(lock);
      continue;
    }
    auto first = deadlines_.begin();
    if (steady::now() < first->first) {
      watch_cv_.wait_until(lock, first->first);
      continue;
    }
    std::shared_ptr<job> j = first->second.lock();
    deadlines_.erase(first);
    if (!j) continue;
    lock.unlock();
    force(j);
    j.reset();
    lock.lock();
  }
}

void pool::force(const std::shared_ptr<job>& j) {
  if (j->lane() != lane_status::running) return;
  if (j->force_child()) {
    std::lock_guard lock(m_);
    ++stats_.children_killed;
    return;
  }
  std::lock_guard lock(m_);
  // A linear search, but forcing is rare and workers few; no per-task index to maintain.
  auto it =
      std::find_if(workers_.begin(), workers_.end(), [&](worker* w) { return w->current == j; });
  if (it == workers_.end()) return;  // returned meanwhile
  worker* w = *it;
  const pthread_t thread = w->thread;  // read before handing w over to its own thread
  workers_.erase(it);  // the worker no longer owns a slot; it never looks itself up again
  j->mark_killed();
  ++stats_.forced;
  stranded_.fetch_add(1);
  --stats_.workers;  // replaced: its slot is free for a new worker
  count_workers_locked();
  w->forced = true;
  forced_.emplace_back(w);
  pthread_cancel(thread);
  if (work_queued_locked() && stats_.idle == 0 && stats_.workers < options_.max_workers)
    spawn_locked();
}

void submit(std::shared_ptr<job> j) { pool::instance().submit(std::move(j)); }

}  // namespace copas::async::detail

namespace copas::async {

void configure(const pool_options& options) { detail::pool::instance().configure(options); }
pool_options options() { return detail::pool::instance().options(); }
pool_stats stats() { return detail::pool::instance().stats(); }

}  // namespace copas::async
