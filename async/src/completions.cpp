#include "completions.hpp"

namespace copas::async::detail {

std::shared_ptr<completions> completions::of_current() {
  // One dispatcher per thread at a time; a new one (after the last ended) gets its own.
  thread_local std::weak_ptr<completions> cached;
  const auto& remote = dispatcher::current().get_remote();
  if (auto c = cached.lock(); c && c->remote_ == remote) return c;
  auto c = std::make_shared<completions>(remote);
  cached = c;
  return c;
}

void completions::push(std::shared_ptr<job> j) {
  // Later pushes join the batch this post drains; the drain takes the list before running it,
  // so the next push after that posts again. Until this post, nothing can take the job (and
  // with it this object) away. A failed post has discarded the batch (its guard).
  if (pushed_.push(std::move(j))) post_drain();
}

void completions::post_drain() {
  // The job references in the list point back here: a drain dropped unrun (by a dispatcher that
  // ends with posts queued) must still release them, or each would keep the other alive.
  struct guard {
    std::shared_ptr<completions> owner;
    bool ran = false;
    ~guard() {
      if (!ran) owner->discard();
    }
  };
  auto g = std::make_shared<guard>();
  g->owner = shared_from_this();
  // Kept until post() has returned: the drain may run (and drop the last job) before it does.
  const auto keep = g->owner;
  remote_->post([g] {
    g->ran = true;
    g->owner->drain();
  });
}

void completions::drain() {
  for (job* j = pushed_.take_all().oldest; j;) {
    job* next = j->listed_next_;
    j->listed_next_ = nullptr;
    // The last reference normally goes here, on the dispatcher thread.
    std::shared_ptr<job> held = std::move(j->listed_self_);
    j->release_waiters();
    j = next;
  }
}

void completions::discard() {
  // Released outside any lock, in order: destructors run user code.
  for (job* j = pushed_.take_all().oldest; j;) {
    job* next = j->listed_next_;
    j->listed_next_ = nullptr;
    std::shared_ptr<job> dropped = std::move(j->listed_self_);
    j = next;
  }
}

}  // namespace copas::async::detail
