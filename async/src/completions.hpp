#pragma once
// The hand-off of finished jobs from workers back to the dispatcher that created them, in batches.
//
// One per dispatcher (shared by its jobs). A worker appends its job under a short lock; only the
// append that finds the batch empty posts a drain to the dispatcher (one cross-thread post, one
// allocation and at most one eventfd write per batch instead of per task). The drain, on the
// dispatcher thread, wakes each job's waiters and drops the references there.

#include <copas/async/detail/job.hpp>
#include <copas/core/dispatcher.hpp>

#include <memory>
#include <mutex>
#include <vector>

namespace copas::async::detail {

class completions : public std::enable_shared_from_this<completions> {
 public:
  explicit completions(std::shared_ptr<dispatcher::remote> remote) : remote_(std::move(remote)) {}
  // Dispatcher thread: the calling dispatcher's (made on first use, kept while a job holds it).
  static std::shared_ptr<completions> of_current();
  const std::shared_ptr<dispatcher::remote>& remote() const noexcept { return remote_; }

  // Any thread: hands `j` back; its waiters are woken on the dispatcher thread. If that
  // dispatcher has ended, the job is released here instead.
  void push(std::shared_ptr<job> j);

 private:
  void drain();
  // The posted drain was destroyed without running (the dispatcher ended): nothing will drain.
  void discard();
  void post_drain();

  const std::shared_ptr<dispatcher::remote> remote_;
  std::mutex m_;
  std::vector<std::shared_ptr<job>> pending_;   // under m_
  std::vector<std::shared_ptr<job>> draining_;  // dispatcher thread only; keeps its capacity
};

}  // namespace copas::async::detail
