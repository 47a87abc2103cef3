#pragma once
// The hand-off of finished jobs from workers back to the dispatcher that created them, in batches.
//
// One per dispatcher (shared by its jobs). A worker links its job onto a lock-free list (a
// job_stack, through the job's own link, so nothing is allocated per task); only the push that
// finds the list empty posts a drain to the dispatcher (one cross-thread post, one allocation and
// at most one eventfd write per batch instead of per task). The drain, on the dispatcher thread,
// takes the whole list at once, wakes each job's waiters and drops the references there.

#include "job_stack.hpp"

#include <copas/async/detail/job.hpp>
#include <copas/core/dispatcher.hpp>

#include <memory>

namespace copas::async::detail {

class completions : public std::enable_shared_from_this<completions> {
 public:
  explicit completions(std::shared_ptr<dispatcher::remote> remote) : remote_(std::move(remote)) {}
  // Dispatcher thread: the calling dispatcher's (made on first use, kept while a job holds it).
  static std::shared_ptr<completions> of_current();
  const std::shared_ptr<dispatcher::remote>& remote() const noexcept { return remote_; }

  // Any thread: hands `j` back; its waiters are woken on the dispatcher thread. If that
  // dispatcher has ended, the job is released here instead. The caller need not keep this object
  // alive: `j`'s reference does until the job is listed, and after that only the push that
  // posts the drain touches it, before anything can take the job away.
  void push(std::shared_ptr<job> j);

 private:
  void drain();
  // The posted drain was destroyed without running (the dispatcher ended): nothing will drain.
  void discard();
  void post_drain();

  const std::shared_ptr<dispatcher::remote> remote_;
  // The pushed jobs. Its push and take order everything a worker did to a job before the drain.
  job_stack pushed_;
};

}  // namespace copas::async::detail
