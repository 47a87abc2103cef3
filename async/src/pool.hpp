#pragma once
// The worker pool and the forced-stop watchdog (see copas/async/pool.hpp for the contract).

#include <copas/async/detail/job.hpp>
#include <copas/async/pool.hpp>

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
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
    job* current = nullptr;
    // Set by the watchdog (under m_) when it cancels this worker; from then on only the worker
    // thread itself touches this struct. Atomic because a worker unwinding from pthread_cancel
    // reads it without taking m_ (see retire()).
    std::atomic<bool> forced{false};
  };

  pool();
  static void* worker_main(void* self);
  static void* watchdog_main(void* self);
  void work(worker* w);
  void retire(worker* w);
  void spawn_locked();
  void watchdog();
  void force(const std::shared_ptr<job>& j);

  std::mutex m_;
  std::condition_variable work_cv_;
  std::condition_variable watch_cv_;
  std::deque<std::shared_ptr<job>> queue_;
  std::unordered_map<job*, worker*> running_;
  std::multimap<std::chrono::steady_clock::time_point, std::weak_ptr<job>> deadlines_;
  pool_options options_;
  pool_stats stats_;
  std::atomic<std::size_t> stranded_{0};  // outside m_: see retire()
  // Forced workers, owned here from force() on: one that unwinds never touches its struct again.
  std::vector<std::unique_ptr<worker>> forced_;
  bool watchdog_started_ = false;
};

}  // namespace copas::async::detail
