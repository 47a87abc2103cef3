#include "completions.hpp"

namespace copas::async::detail {

std::shared_ptr<completions> completions::of_current() {
  // One dispatcher per thread at a time; a new one (after the last ended) gets its own.
  thread_local std::weak_ptr<completions> cached;
  auto remote = dispatcher::current().get_remote();
  if (auto c = cached.lock(); c && c->remote_ == remote) return c;
  auto c = std::make_shared<completions>(std::move(remote));
  cached = c;
  return c;
}

void completions::push(std::shared_ptr<job> j) {
  bool first;
  {
    std::lock_guard lock(m_);
    first = pending_.empty();
    pending_.push_back(std::move(j));
  }
  // Later pushes join the batch this post drains; the drain empties it before running it, so
  // the next push after that posts again. A failed post has discarded the batch (its guard).
  if (first) post_drain();
}

void completions::post_drain() {
  // The job references in pending_ point back here: a drain dropped unrun (by a dispatcher that
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
  remote_->post([g] {
    g->ran = true;
    g->owner->drain();
  });
}

void completions::drain() {
  {
    std::lock_guard lock(m_);
    pending_.swap(draining_);
  }
  for (auto& j : draining_) j->release_waiters();
  draining_.clear();  // the last references normally go here, on the dispatcher thread
}

void completions::discard() {
  std::vector<std::shared_ptr<job>> dropped;  // released outside m_: destructors run user code
  std::lock_guard lock(m_);
  dropped.swap(pending_);
}

}  // namespace copas::async::detail
