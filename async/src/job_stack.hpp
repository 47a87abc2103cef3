#pragma once
// A lock-free list of jobs that any thread may push onto and one taker empties at once, linked
// through the jobs themselves (job::listed_self_ owns, listed_next_ links): nothing is allocated
// per job. Two hand-offs use it: tasks submitted to the pool (so that a fiber submitting a burst
// never takes the mutex its workers take) and finished jobs going back to their dispatcher
// (completions).
//
// Every operation is sequentially consistent: the pool pairs a push with its load of the count of
// sleeping workers, and a worker its count's increment with empty(), so that a submit either
// sees a worker about to sleep or that worker sees the task (no lost wake-up).

#include <copas/async/detail/job.hpp>

#include <atomic>
#include <cstddef>
#include <memory>

namespace copas::async::detail {

class job_stack {
 public:
  // A taken list, oldest first, linked through listed_next_ (the newest's is null).
  struct chain {
    job* oldest = nullptr;
    job* newest = nullptr;
    std::size_t size = 0;
  };

  job_stack() = default;
  job_stack(const job_stack&) = delete;
  job_stack& operator=(const job_stack&) = delete;

  // Any thread. True when the stack was empty: this push starts a batch.
  bool push(std::shared_ptr<job> j) noexcept {
    job* raw = j.get();
    raw->listed_self_ = std::move(j);
    job* newest = newest_.load();
    do {
      raw->listed_next_ = newest;
    } while (!newest_.compare_exchange_weak(newest, raw));
    return newest == nullptr;
  }

  // Takes every pushed job; the jobs' references stay in listed_self_ for the taker to move on.
  chain take_all() noexcept {
    chain c;
    job* j = newest_.exchange(nullptr);
    c.newest = j;
    while (j) {  // reversed, so that jobs are taken in the order they were pushed
      job* next = j->listed_next_;
      j->listed_next_ = c.oldest;
      c.oldest = j;
      ++c.size;
      j = next;
    }
    return c;
  }

  bool empty() const noexcept { return newest_.load() == nullptr; }

 private:
  std::atomic<job*> newest_{nullptr};
};

}  // namespace copas::async::detail
