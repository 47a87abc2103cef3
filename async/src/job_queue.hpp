#pragma once
// The pool's FIFO of jobs waiting for a worker, linked through the jobs themselves
// (job::listed_self_, listed_next_): queueing a task allocates nothing, where a deque allocates
// a block per few dozen tasks on the submitting thread and frees it on a worker. Not
// thread-safe: the pool holds its mutex around every call. Tasks arrive on the pool's lock-free
// intake (a job_stack) and are appended here by whoever holds that mutex.

#include "job_stack.hpp"

#include <copas/async/detail/job.hpp>

#include <cstddef>
#include <memory>

namespace copas::async::detail {

class job_queue {
 public:
  job_queue() = default;
  job_queue(const job_queue&) = delete;
  job_queue& operator=(const job_queue&) = delete;

  bool empty() const noexcept { return head_ == nullptr; }
  std::size_t size() const noexcept { return size_; }

  // Appends a chain taken from a job_stack, oldest first; the jobs' references come with it.
  void append(const job_stack::chain& c) noexcept {
    if (!c.oldest) return;
    if (tail_)
      tail_->listed_next_ = c.oldest;
    else
      head_ = c.oldest;
    tail_ = c.newest;
    size_ += c.size;
  }

  // Precondition: !empty().
  std::shared_ptr<job> pop_front() noexcept {
    job* raw = head_;
    head_ = raw->listed_next_;
    if (!head_) tail_ = nullptr;
    raw->listed_next_ = nullptr;
    --size_;
    return std::move(raw->listed_self_);
  }

 private:
  job* head_ = nullptr;
  job* tail_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace copas::async::detail
