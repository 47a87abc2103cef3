// Structured concurrency: a group's members, their cancellation, and waiting for the last one.
#include "dispatcher_impl.hpp"

#include <copas/core/errors.hpp>
#include <copas/core/task_group.hpp>

#include <list>

namespace copas {

struct task_group::state {
  explicit state(on_error p) : policy(p) {}

  on_error policy;
  bool is_cancelled = false;
  std::list<thread> members;  // alive (or not yet started)
  std::exception_ptr first_error;
  bool error_collected = false;
  wait_queue waiters;  // wait() and the destructor

  void cancel() {
    is_cancelled = true;
    for (const auto& m : members) removethread(m);
  }

  void failed(std::exception_ptr e) {
    if (first_error) return;
    first_error = std::move(e);
    if (policy == on_error::cancel_others) cancel();
  }

  void ended(std::list<thread>::iterator member) {
    members.erase(member);
    if (members.empty()) waiters.notify_all();
  }
};

namespace {

// Held by the member's body only: when the fiber drops its body (it returned, threw, was
// unwound, or was cancelled before it ever ran) the member has ended.
struct member_token {
  member_token(std::shared_ptr<task_group::state> g, std::list<thread>::iterator m)
      : group(std::move(g)), member(m) {}
  member_token(const member_token&) = delete;
  member_token& operator=(const member_token&) = delete;
  ~member_token() { group->ended(member); }

  std::shared_ptr<task_group::state> group;
  std::list<thread>::iterator member;
};

}  // namespace

task_group::task_group(on_error policy) : state_(std::make_shared<state>(policy)) {}

task_group::~task_group() {
  state_->cancel();
  if (!state_->members.empty()) {
    // Shielded: this fiber may itself be cancelled or leaving a deadline scope; its members must
    // still end before it goes on.
    auto* self = detail::current_impl().current_state();
    ++self->shield;
    while (!state_->members.empty())
      state_->waiters.wait(clock::time_point::max(), wait_kind::sync);
    --self->shield;
  }
  if (state_->first_error && !state_->error_collected)
    report_error(state_->first_error, running_thread());
}

thread task_group::spawn_member(thread_options options, std::function<void()> body) {
  auto& d = detail::current_impl();
  auto member = state_->members.emplace(state_->members.end());
  auto token = std::make_shared<member_token>(state_, member);
  // (Should spawn throw, the last token dies on the way out and erases the placeholder.)
  thread t =
      detail::spawn(std::move(options), [token, body = std::move(body), group = state_.get()]() {
        try {
          body();
        } catch (const thread_cancelled&) {
          throw;
        } catch (...) {
          group->failed(std::current_exception());
        }
      });
  token.reset();
  *member = t;
  if (!d.in_callback) {
    auto* parent = d.current_state();
    t.state()->scope_deadline = parent->scope_deadline;
    t.state()->scope_owner = parent->scope_owner;
    t.state()->scope_expired = parent->scope_expired;
  }
  if (state_->is_cancelled) removethread(t);
  return t;
}

void task_group::cancel() { state_->cancel(); }

void task_group::wait() {
  while (!state_->members.empty()) state_->waiters.wait(clock::time_point::max(), wait_kind::sync);
  if (state_->first_error && !state_->error_collected) {
    state_->error_collected = true;
    std::rethrow_exception(state_->first_error);
  }
}

std::size_t task_group::size() const noexcept { return state_->members.size(); }

bool task_group::cancelled() const noexcept { return state_->is_cancelled; }

}  // namespace copas
