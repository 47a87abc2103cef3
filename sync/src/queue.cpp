#include <copas/sync/queue.hpp>

#include "arguments.hpp"

#include <algorithm>
#include <atomic>

namespace copas::detail {

namespace {

std::string next_queue_name() {
  static std::atomic<unsigned long> count{0};  // one counter for all queues, as in Copas
  return "copas_queue_" + std::to_string(++count);
}

}  // namespace

queue_core::queue_core(std::optional<std::string> name, std::function<void()> drop_items)
    : name_(name ? std::move(*name) : next_queue_name()), drop_items_(std::move(drop_items)) {}

void queue_core::check_home() const { home_.check("queue"); }

result<void> queue_core::admit_push() const {
  check_home();
  if (destroyed_) return errc::destroyed;
  if (stopped_) return errc::stopping;
  return {};
}

void queue_core::pushed() { items_.give(1); }

result<void> queue_core::await_item(std::optional<double> timeout) {
  check_home();
  if (destroyed_) return errc::destroyed;
  return items_.take(1, timeout);
}

void queue_core::popped(bool now_empty) {
  if (now_empty && stopped_) destroy();
}

result<std::size_t> queue_core::size(std::size_t items) const {
  check_home();
  if (destroyed_) return errc::destroyed;
  return items;
}

result<void> queue_core::stop(std::size_t items) {
  check_home();
  if (destroyed_) return errc::destroyed;
  if (stopped_) return {};
  // Non-re-entrant and never released: finish() waits on it until destroy() destroys it.
  stopped_.emplace(std::nullopt, true);
  stopped_->get();
  if (items == 0) destroy();  // no pop will come to empty it
  return {};
}

result<void> queue_core::finish(std::size_t items, std::optional<double> timeout,
                                bool no_destroy_on_timeout) {
  check_home();
  if (destroyed_) return errc::destroyed;
  const double t = call_timeout(timeout, 10.0);  // the internal lock's default, as in Copas
  const auto deadline = deadline_after(t);
  stop(items);

  // Keep the lock alive past a destroy() that resets stopped_ (it never does, but be explicit).
  lock stopped = *stopped_;
  if (stopped.get(t).error() == errc::timeout) {
    if (!no_destroy_on_timeout && !destroyed_) destroy();
    return errc::timeout;
  }
  // Empty and destroyed; now let the workers finish their last items (Copas #168).
  const thread me = running_thread();
  auto busy = [&] {
    return std::any_of(workers_.begin(), workers_.end(),
                       [&](const thread& w) { return w.alive() && !(w == me); });
  };
  while (busy()) {
    if (worker_exits_.wait(deadline) == wake_reason::timeout && busy()) return errc::timeout;
  }
  return {};
}

result<void> queue_core::destroy() {
  check_home();
  if (destroyed_) return errc::destroyed;
  destroyed_ = true;
  if (stopped_) stopped_->destroy();
  items_.destroy();
  drop_items_();
  return {};
}

result<thread> queue_core::add_worker(std::function<void()> loop) {
  check_home();
  if (destroyed_) return errc::destroyed;
  std::erase_if(workers_, [](const thread& w) { return !w.alive(); });
  std::string name = name_ + ":worker_" + std::to_string(++worker_id_);
  // `this` stays valid: `loop` holds the queue, and outlives the guard below.
  thread t = addnamedthread(std::move(name), [this, loop = std::move(loop)] {
    struct on_exit {
      queue_core& q;
      ~on_exit() { q.worker_exited(); }
    } guard{*this};
    loop();
  });
  workers_.push_back(t);
  return t;
}

void queue_core::worker_exited() noexcept {
  const thread me = running_thread();
  std::erase_if(workers_, [&](const thread& w) { return w == me; });
  worker_exits_.notify_all();
}

result<std::vector<thread>> queue_core::workers() const {
  check_home();
  if (destroyed_) return errc::destroyed;
  std::vector<thread> live;
  for (const thread& w : workers_) {
    if (w.alive()) live.push_back(w);
  }
  return live;
}

}  // namespace copas::detail
