#pragma once
// The opt-in watchdog (dispatcher_options::watchdog): a thread that notices a fiber running too
// long without yielding, and reports it with its name and the stack it is busy in.

#include "thread_state.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <pthread.h>

namespace copas::detail {

class watchdog {
 public:
  // Watches the calling thread (the dispatcher's).
  watchdog(std::chrono::milliseconds limit, std::function<void(const std::string&)> report);
  ~watchdog();
  watchdog(const watchdog&) = delete;
  watchdog& operator=(const watchdog&) = delete;

  // The dispatcher's thread, at every switch: `next` runs from now (null: the scheduler itself).
  void switched(thread_state* next) noexcept {
    running_.store(next, std::memory_order_relaxed);
    epoch_.store(epoch_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

 private:
  void run();
  void report(thread_state* busy, std::chrono::steady_clock::duration ran);

  std::chrono::milliseconds limit_;
  std::function<void(const std::string&)> report_;
  pthread_t target_;
  std::atomic<std::uint64_t> epoch_{0};
  std::atomic<thread_state*> running_{nullptr};
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace copas::detail
