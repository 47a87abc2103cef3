// Creating, running, naming and removing fibers.
#include "dispatcher_impl.hpp"
#include "ledger.hpp"
#include "reactor_algorithm.hpp"

#include <copas/core/errors.hpp>

#include <event2/event.h>
#include <boost/fiber/fiber.hpp>

#include <cstdio>

namespace copas {

using detail::thread_state;

namespace detail {

thread_state::~thread_state() {
  release_events();
  if (cell) {
    cell->state = nullptr;  // wakers kept past this fiber now do nothing
    cell->release();
  }
}

void thread_state::disarm_timeout() noexcept {
  if (timeout_armed) {
    disp->timers->cancel(user_timeout);
    timeout_armed = false;
    --disp->timeouts;
  }
  timeout_callback = nullptr;
}

void thread_state::release_events() noexcept {
  disarm_timeout();
  // The dispatcher may be gone by now (a copas::thread handle outlived it), but then no timer is
  // queued: every fiber ended, and so released them, before it went.
  if (deadline_timer.queued()) disp->timers->cancel(deadline_timer);
}

std::string thread_state::display_name() const {
  if (!name.empty()) return name;
  char buf[48];
  std::snprintf(buf, sizeof buf, "thread: %p", static_cast<const void*>(this));
  return buf;
}

thread spawn(thread_options options, std::function<void()> body) {
  auto& d = current_impl();
  auto s = std::make_shared<thread_state>(d);
  if (options.name) s->name = std::move(*options.name);
  s->body = std::move(body);
  s->log_exit = static_cast<bool>(d.logger);
  std::size_t size = options.stack_size ? options.stack_size : d.options.default_stack_size;
#if defined(COPAS_ASAN)
  size *= 4;  // ASan's redzones make every frame several times larger
#endif

  boost::fibers::fiber f(std::allocator_arg, pooled_stack_allocator{d.stacks, size},
                         [s]() { s->disp->run_fiber(s); });
  auto where = d.stacks->last();
  s->stack_bottom = where.bottom;
  s->stack_size = where.size;
  s->guard_page = where.guard;
  s->guard_size = where.guard_size;
  f.properties<fiber_props>().state = s;
  if (d.ledger_on) s->creation_site = capture_creation_site();
  f.detach();
  d.link_live(s.get());
  return thread(std::move(s));
}

}  // namespace detail

void dispatcher::impl::link_live(thread_state* s) noexcept {
  s->live_next = live_head;
  if (live_head) live_head->live_prev = s;
  live_head = s;
  ++live_count;
}

void dispatcher::impl::unlink_live(thread_state* s) noexcept {
  if (s->live_prev) s->live_prev->live_next = s->live_next;
  if (s->live_next) s->live_next->live_prev = s->live_prev;
  if (live_head == s) live_head = s->live_next;
  s->live_prev = s->live_next = nullptr;
  --live_count;
  ++ended_since_trim;
}

void dispatcher::impl::run_fiber(const std::shared_ptr<thread_state>& s) {
  algo->finish_switch();
  s->ctx = boost::fibers::context::active();
  if (!s->cancel_requested) {
    try {
      s->body();
    } catch (const thread_cancelled&) {
      // removethread(): unwound on purpose, no error to report.
    } catch (...) {
      report_error(std::current_exception(), thread(s), nullptr);
    }
  }
  s->body = nullptr;  // the fiber's captures die on its own stack
  s->alive = false;
  if (s->log_exit && logger) log("exiting '" + s->display_name() + "'");
  s->release_events();
  unlink_live(s.get());
}

detail::thread_state* dispatcher::impl::current_state() {
  // Every switch goes through the algorithm's pick_next, which records the fiber it switches to.
  if (running_state) return running_state;
  auto* ctx = boost::fibers::context::active();
  auto* props = detail::props_of(ctx);
  if (props && props->state) return props->state.get();
  // A fiber Copas did not create (a plain boost::fibers::fiber): give it a record so it can park.
  if (!props) {
    props = new detail::fiber_props(ctx);
    ctx->set_properties(props);
  }
  props->state = std::make_shared<thread_state>(*this);
  props->state->ctx = ctx;
  return props->state.get();
}

void dispatcher::impl::cancel(thread_state* s) noexcept {
  if (!s->alive || s == main_state.get()) return;
  s->cancel_requested = true;
  if (s->parked) resume(s, wake_reason::woken);
}

bool thread::alive() const noexcept { return state_ && state_->alive; }

void removethread(const thread& t) {
  if (!t) return;
  t.state()->disp->cancel(t.state());
}

thread running_thread() {
  auto& d = detail::current_impl();
  if (d.in_callback) return thread(d.core_timer_state);
  auto* s = d.current_state();
  auto* props = detail::props_of(s->ctx);
  return thread(props->state);
}

bool is_running(const thread& t) {
  auto& d = detail::current_impl();
  if (d.in_callback) return t.state() == d.core_timer_state.get();
  return t.state() == d.current_state();
}

void setthreadname(std::string name, const thread& t) {
  if (!t) throw std::invalid_argument("expected arg #2 to be a coroutine or nil");
  t.state()->name = std::move(name);
}

std::string getthreadname(const thread& t) {
  if (!t) throw std::invalid_argument("expected arg #1 to be a coroutine or nil");
  return t.state()->display_name();
}

}  // namespace copas
