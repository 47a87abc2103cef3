// The one suspension point: park, wake (through a generation-checked waker), time out, cancel.
#include "dispatcher_impl.hpp"
#include "reactor_algorithm.hpp"

#include <copas/core/deadline_scope.hpp>
#include <copas/core/wait.hpp>

#include <cmath>
#include <cstdio>
#include <new>
#include <stdexcept>

namespace copas {

using detail::thread_state;

namespace {

// Queues the fiber's deadline timer for a wait ending at `deadline`, lazily: a timer still queued
// by an earlier wait (a wake does not cancel it) is kept when it fires no later than this
// deadline; then fire_deadline moves it to the rest. So a fiber waiting again and again with the
// same timeout (a lock's 10 s, a socket's read timeout) touches the timer heap about once per
// timeout, not once per wait. Invariant: a queued timer never fires after s->deadline, the
// deadline of the fiber's latest wait.
void arm_deadline(detail::timer_queue& timers, thread_state* s, clock::time_point deadline) {
  s->deadline = deadline;
  if (s->deadline_timer.queued() && s->deadline_timer.when <= deadline) return;
  timers.schedule(s->deadline_timer, deadline);
}

// Seconds as Lua would print the delay given to pause(): rounded to the millisecond.
std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", std::round(s * 1e3) / 1e3);
  return buf;
}

const char* kind_word(wait_kind k) {
  switch (k) {
    case wait_kind::read: return "READ";
    case wait_kind::write: return "WRITE";
    case wait_kind::sleep: return "SLEEP";
    default: return "SLEEP";
  }
}

// The debug log's lines around a wait. Out of line: inlined, their strings would widen park()'s
// stack frame, which every parked fiber keeps (and, with thousands of them, finds cold when it
// resumes).
[[gnu::noinline, gnu::cold]] void log_yielding(const dispatcher::impl& d, thread_state* s,
                                               wait_kind kind, clock::time_point deadline,
                                               const socket_ref* on) {
  s->parked_at = clock::now();  // read only for the log: a clock read costs 20-80 ns
  std::string line = "yielding '" + s->display_name() + "' to " + kind_word(kind);
  if ((kind == wait_kind::read || kind == wait_kind::write) && on)
    line += " on '" + on->socket_name() + "'";
  else if (s->has_deadline)
    line += " for " + seconds_text(to_seconds(deadline - s->parked_at)) + " seconds";
  d.log(line);
}

[[gnu::noinline, gnu::cold]] void log_resuming(const dispatcher::impl& d, thread_state* s,
                                               wait_kind kind, const socket_ref* on) {
  std::string line = "resuming '" + s->display_name() + "'";
  if ((kind == wait_kind::read || kind == wait_kind::write) && on)
    line += " for socket '" + on->socket_name() + "'";
  d.log(line);
}

// A wait that would outlast the fiber's deadline scope whose deadline has come: the first such
// wait reports "timeout" at once (as its own timeout would); one begun after that unwinds the
// fiber to the scope (copas::deadline_exceeded), so a caller that waits again and again cannot
// outlive its deadline.
[[gnu::noinline, gnu::cold]] wake_reason scope_timeout(thread_state* s) {
  if (s->scope_expired) throw deadline_exceeded(s->scope_owner);
  s->scope_expired = true;
  s->reason = wake_reason::timeout;
  return wake_reason::timeout;
}

}  // namespace

namespace detail {

void fire_deadline(timer& t) {
  auto* s = static_cast<thread_state*>(t.owner);
  // Left queued by an earlier wait (see arm_deadline): nothing to do, or on to this wait's end.
  if (!s->parked || !s->has_deadline) return;
  if (t.when < s->deadline) {
    s->disp->timers->schedule(t, s->deadline);
    return;
  }
  if (!s->is_driver) ++s->disp->events;  // the loop's own poll limit is not an event
  s->disp->resume(s, wake_reason::timeout);
}

}  // namespace detail

void dispatcher::impl::count(thread_state* s, int delta) noexcept {
  if (s->is_driver) return;
  switch (s->kind) {
    case wait_kind::sleep: sleeping += delta; break;
    case wait_kind::lethargy: lethargic += delta; break;
    case wait_kind::read: reading += delta; break;
    case wait_kind::write: writing += delta; break;
    case wait_kind::sync:
      sync_waiting += delta;
      if (s->has_deadline) sync_deadlines += delta;
      break;
    case wait_kind::external: external += delta; break;
  }
}

wake_reason dispatcher::impl::park(thread_state* s, wait_kind kind, clock::time_point deadline,
                                   const socket_ref* on) {
  if (in_callback) throw std::logic_error("copas: a timeout callback must not block or yield");
  if (s->cancel_requested && !s->shield) throw thread_cancelled{};
  bool scoped = false;
  if (s->scope_deadline < deadline && !s->shield) [[unlikely]] {
    if (s->scope_expired || clock::now() >= s->scope_deadline) return scope_timeout(s);
    deadline = s->scope_deadline;
    scoped = true;
  }

  s->kind = kind;
  s->parked_on = on;
  s->has_deadline = deadline != clock::time_point::max();
  s->parked = true;
  s->parked_at = coarse_now();  // for copas::fibers(): a few ns, where clock::now() costs 20+
  count(s, +1);
  if (s->has_deadline)
    arm_deadline(*timers, s, deadline);
  else
    s->deadline = deadline;  // keeps arm_deadline's invariant
  if (logger && !s->is_driver) log_yielding(*this, s, kind, deadline, on);

  s->ctx->suspend();
  algo->finish_switch();

  ++s->generation;  // every waker of this wait is now stale
  if (logger && !s->is_driver) log_resuming(*this, s, kind, on);
  if (s->cancel_requested && !s->shield) throw thread_cancelled{};
  if (scoped && s->reason == wake_reason::timeout) s->scope_expired = true;
  return s->reason;
}

void dispatcher::impl::resume(thread_state* s, wake_reason reason) noexcept {
  s->parked = false;
  s->reason = reason;
  count(s, -1);
  if (s->unlink_waiter) {
    s->unlink_waiter(s->waiter_node);
    s->unlink_waiter = nullptr;
  }
  // The deadline timer stays armed: the next wait will likely reuse it (arm_deadline).
  s->io_wake =
      reason == wake_reason::woken && (s->kind == wait_kind::read || s->kind == wait_kind::write);
  // Always on the fiber's own thread: straight to its scheduler (context::active()->schedule()
  // would cost a TLS lookup in Boost's shared library to find the same one).
  s->ctx->get_scheduler()->schedule(s->ctx);
}

// --- waker -----------------------------------------------------------------------------------

waker make_waker(thread_state* s) noexcept {
  if (!s->cell) {
    s->cell = new (std::nothrow) detail::waker_cell;
    if (!s->cell)
      return {};  // out of memory: a waker that wakes nothing (the wait's deadline holds)
    s->cell->state = s;
  }
  waker w;
  s->cell->retain();
  w.cell_ = s->cell;
  w.generation_ = s->generation;
  return w;
}

detail::thread_state* waker::state() const noexcept { return cell_ ? cell_->state : nullptr; }

bool waker::wake() const noexcept {
  auto* s = state();
  if (!s || !s->parked || s->generation != generation_) return false;
  s->disp->resume(s, wake_reason::woken);
  return true;
}

bool waker::pending() const noexcept {
  auto* s = state();
  return s && s->parked && s->generation == generation_;
}

namespace this_thread {

waker get_waker() noexcept { return make_waker(detail::current_impl().current_state()); }

wake_reason park(wait_kind kind, clock::time_point deadline, const socket_ref* on) {
  auto& d = detail::current_impl();
  return d.park(d.current_state(), kind, deadline, on);
}

void check_cancelled() {
  auto& d = detail::current_impl();
  if (d.in_callback) return;
  auto* s = d.current_state();
  if (s->cancel_requested && !s->shield) throw thread_cancelled{};
}

}  // namespace this_thread

// --- wait_queue ------------------------------------------------------------------------------

struct wait_queue::node {
  waker w;
  std::uintptr_t tag;
  wait_queue* queue = nullptr;
  node* prev = nullptr;
  node* next = nullptr;
  bool linked = false;
};

wait_queue::~wait_queue() { notify_all(); }

void wait_queue::unlink(node* n) noexcept {
  if (n->prev)
    n->prev->next = n->next;
  else
    head_ = n->next;
  if (n->next)
    n->next->prev = n->prev;
  else
    tail_ = n->prev;
  n->prev = n->next = nullptr;
  n->linked = false;
  --size_;
}

wake_reason wait_queue::wait(clock::time_point deadline, wait_kind kind, std::uintptr_t tag) {
  node n{this_thread::get_waker(), tag};
  n.prev = tail_;
  if (tail_)
    tail_->next = &n;
  else
    head_ = &n;
  tail_ = &n;
  n.linked = true;
  ++size_;
  n.queue = this;
  // A timeout or a cancellation takes the waiter out of the queue at once (not when the fiber
  // next runs), so size() and notify_one() never see a departed waiter.
  auto* s = n.w.state();
  s->unlink_waiter = [](void* p) {
    auto* self = static_cast<node*>(p);
    if (self->linked) self->queue->unlink(self);
  };
  s->waiter_node = &n;
  s->waits_for = what_;
  struct unlink_on_exit {
    node* n;
    ~unlink_on_exit() {
      n->w.state()->waits_for = nullptr;
      n->w.state()->unlink_waiter = nullptr;
      if (n->linked) n->queue->unlink(n);
    }
  } guard{&n};
  return this_thread::park(kind, deadline);
}

bool wait_queue::notify_one() noexcept {
  while (head_) {
    node* n = head_;
    unlink(n);
    n->w.state()->unlink_waiter = nullptr;
    if (n->w.wake()) return true;
  }
  return false;
}

std::size_t wait_queue::notify_all() noexcept {
  std::size_t woken = 0;
  while (head_) {
    node* n = head_;
    unlink(n);
    n->w.state()->unlink_waiter = nullptr;
    if (n->w.wake()) ++woken;
  }
  return woken;
}

std::uintptr_t wait_queue::front_tag() const noexcept { return head_->tag; }

thread wait_queue::front_thread() const {
  auto* s = head_->w.state();
  auto* props = detail::props_of(s->ctx);
  return thread(props->state);
}

}  // namespace copas
