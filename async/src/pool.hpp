#pragma once
// The worker pool and the forced-stop watchdog (see copas/async/pool.hpp for the contract).

#include <copas/async/detail/job.hpp>
#include <copas/async/pool.hpp>

#include "job_queue.hpp"
#include "job_stack.hpp"

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace copas::async::detail {

class pool {
 public:
  static pool& instance();

  void submit(std::shared_ptr<job> j);
  // Forces `j` to stop at `deadline` if it is still running then.
  void watch(std::weak_ptr<job> j, std::chrono::steady_clock::time_point deadline);

  void configure(const pool_options& o);
  pool_options options();
  pool_stats stats();

 private:
  struct worker {
    pthread_t thread{};
    // The task being run, owned here rather than on the worker's stack: a worker unwound by a
    // forced stop must not be the thread that releases it (see reap_unwound()).
    std::shared_ptr<job> current;
    // Set by the watchdog (under m_) when it cancels this worker; from then on only the worker
    // thread itself touches this struct until it is `unwound`. Atomic because a worker unwinding
    // from pthread_cancel reads it without taking m_ (see retire()).
    std::atomic<bool> forced{false};
    // Set by a forced worker as the very last thing its unwinding does: its struct and its task
    // may then be released (by the watchdog).
    std::atomic<bool> unwound{false};
  };

  pool();
  static void* worker_main(void* self);
  static void* watchdog_main(void* self);
  static void* launcher_main(void* self);
  void work(worker* w);
  void retire(worker* w);
  // m_ held: asks the launcher for one more worker (counted in stats_.workers from here on).
  void spawn_locked();
  // Starts the launcher thread once (m_ NOT held); throws std::system_error if it cannot.
  void ensure_launcher();
  // The launcher thread: every pthread_create of a worker or of the watchdog happens here, never
  // on a dispatcher's thread and never with m_ held.
  void launch();
  // Launcher, m_ released: creates the thread; returns pthread_create's result.
  static int start_detached(void* (*main)(void*), void* arg);
  // m_ held by `lock`: spins (with m_ released) until a task is queued or spin_us pass.
  void spin_for_work(std::unique_lock<std::mutex>& lock);
  // m_ held: moves what was submitted since into queue_; true if a task is queued.
  bool work_queued_locked();
  // m_ held: after stats_.workers or options_.max_workers changed.
  void count_workers_locked();
  void watchdog();
  void force(const std::shared_ptr<job>& j);
  // Watchdog, m_ held: takes the records of forced workers that have finished unwinding.
  std::vector<std::unique_ptr<worker>> take_unwound_locked();

  std::mutex m_;
  std::condition_variable work_cv_;
  std::condition_variable watch_cv_;
  // Submitted tasks arrive on intake_ without m_ and are moved into queue_ under it by whoever
  // looks for work next. A submit takes m_ only to wake a sleeping worker or to let the pool grow.
  job_stack intake_;
  job_queue queue_;
  // Workers blocked on work_cv_ (or about to be) that nobody has woken yet: changed under m_,
  // read by submit without it (see job_stack on why that cannot lose a wake-up). Submit
  // notifies only then, and moves the count to woken_ (under m_), which the worker takes back.
  std::atomic<std::size_t> sleeping_{0};
  std::size_t woken_ = 0;
  std::atomic<bool> queued_{false};  // !queue_.empty(), for workers spinning without m_
  std::atomic<bool> full_{false};    // stats_.workers >= options_.max_workers: nothing to spawn
  std::vector<worker*> workers_;     // live and not forced: force() looks a task's worker up here
  std::multimap<std::chrono::steady_clock::time_point, std::weak_ptr<job>> deadlines_;
  pool_options options_;
  pool_stats stats_;
  std::atomic<std::size_t> stranded_{0};  // outside m_: see retire()
  // Forced workers (with their tasks), owned here from force() on, until they have unwound
  // (reaped by the watchdog) or returned (retire()).
  std::vector<std::unique_ptr<worker>> forced_;
  bool watchdog_started_ = false;
  bool watchdog_wanted_ = false;  // watch() asked the launcher to start it
  std::condition_variable launch_cv_;
  std::size_t launches_ = 0;  // workers counted in stats_.workers but not created yet
  std::once_flag launcher_once_;
};

}  // namespace copas::async::detail
