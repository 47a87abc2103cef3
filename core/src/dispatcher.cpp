#include "dispatcher_impl.hpp"
#include "ledger.hpp"
#include "reactor_algorithm.hpp"
#include "sanitizer.hpp"
#include "sibling/copas/core/sibling/event_base.hpp"
#include "watchdog.hpp"

#include <copas/core/loop.hpp>

#include <event2/event.h>
#include <boost/fiber/operations.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace copas {

using detail::thread_state;

namespace {

// The fast path reads a plain pointer; the owner is a function-local thread_local created after
// Boost.Fiber's own per-thread state, so that it is destroyed first (it still needs Boost's
// scheduler to unwind the remaining fibers).
thread_local dispatcher* this_thread_dispatcher = nullptr;

std::unique_ptr<dispatcher>& dispatcher_owner() {
  boost::fibers::context::active();
  thread_local std::unique_ptr<dispatcher> owner;
  return owner;
}

event_base* make_base() {
  event_config* cfg = event_config_new();
  // One thread owns the base: no locks. No libevent timers either (no precise-timer flag, whose
  // cost is a timerfd_settime per poll): copas keeps its own, see timer_queue.hpp.
  event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK);
  // copas::fd_watch registers a socket once for its whole life, edge-triggered, and learns the
  // peer's close from the read edge (EPOLLRDHUP): a backend without either would lose wake-ups
  // or read past the end. Required here, so that libevent picks a backend that has them (epoll)
  // or the dispatcher fails at once, not a socket later.
  constexpr int needed = EV_FEATURE_ET | EV_FEATURE_EARLY_CLOSE;
  event_config_require_features(cfg, needed);
  event_base* base = event_base_new_with_config(cfg);
  event_config_free(cfg);
  if (!base)
    throw std::runtime_error(
        "copas: cannot create a libevent event_base with edge-triggered events and early close "
        "detection (EV_FEATURE_ET, EV_FEATURE_EARLY_CLOSE): copas needs libevent's epoll backend");
  if ((event_base_get_features(base) & needed) != needed) {
    std::string method = event_base_get_method(base);
    event_base_free(base);
    throw std::runtime_error("copas: libevent's '" + method +
                             "' backend lacks edge-triggered events or early close detection");
  }
  return base;
}

}  // namespace

struct dispatcher::remote::shared {
  // Outlives the dispatcher when remotes do: closed by it, a post then returns false.
  std::shared_ptr<detail::cross_thread_queue> queue;
};

dispatcher::impl::impl(dispatcher& o, const dispatcher_options& opts)
    : owner(o), options(opts), base(make_base()) {
  try {
    timers = std::make_unique<detail::timer_queue>(base);
  } catch (...) {
    event_base_free(base);
    throw;
  }
  stacks = std::make_shared<detail::stack_pool>(options.guard_budget, options.stack_pool_limit,
                                                options.stack_pool_hot);
  posted = std::make_shared<detail::cross_thread_queue>(base, [this](bool running) {
    // Posted functions are callbacks, not fibers: they may wake fibers but must not park.
    in_callback = running;
    if (!running) {
      activity = true;
      ++events;
    }
  });
  remote_handle = std::shared_ptr<dispatcher::remote>(new dispatcher::remote());
  remote_handle->shared_ = std::make_shared<dispatcher::remote::shared>();
  remote_handle->shared_->queue = posted;

  // The OS thread's own context gets a thread record too, so that it can park (loop() parks it
  // while the loop runs) and be named.
  auto* main_ctx = boost::fibers::context::active();
  if (!detail::props_of(main_ctx)) main_ctx->set_properties(new detail::fiber_props(main_ctx));
  detail::note_thread_fiber();
#if defined(COPAS_TSAN)
  detail::props_of(main_ctx)->tsan_fiber = __tsan_get_current_fiber();
#endif
  main_state = std::make_shared<thread_state>(*this);
  main_state->ctx = main_ctx;
  detail::props_of(main_ctx)->state = main_state;

  core_timer_state = std::make_shared<thread_state>(*this);
  core_timer_state->name = "copas_core_timer";
  core_timer_state->alive = false;

  // Boost.Fiber owns the algorithm (reference counted); we keep a plain pointer and detach it
  // when the dispatcher goes away.
  algo = new detail::reactor_algorithm(*this);
  boost::fibers::context::active()->get_scheduler()->set_algo(algo);
  detail::install_overflow_guard();

#if defined(NDEBUG)
  ledger_on = options.leak_ledger.value_or(false);
#else
  ledger_on = options.leak_ledger.value_or(true);
#endif
  if (options.watchdog.count() > 0)
    watched = std::make_unique<detail::watchdog>(options.watchdog, options.watchdog_report);
}

void dispatcher::impl::shutdown() {
  shutting_down = true;
  if (ledger_on) detail::report_leaks(*this);
  // Unwind every fiber still alive: each gets thread_cancelled at its suspension point, so its
  // destructors (sockets, locks, buffers) run before the event_base goes away.
  for (int round = 0; live_count > 0 && round < 1000; ++round) {
    for (thread_state* s = live_head; s; s = s->live_next) cancel(s);
    boost::this_fiber::yield();
  }
  if (live_count > 0)
    std::fprintf(stderr, "copas: %zu fibers ignored cancellation at dispatcher shutdown\n",
                 live_count);
  // Let Boost's dispatcher context reap the terminated fibers (and return their stacks).
  for (int i = 0; i < 3; ++i) boost::this_fiber::yield();
}

dispatcher::impl::~impl() {
  watched.reset();  // before the fibers it might look at are gone
  posted->close();  // remotes may keep the queue: from now on their posts return false
  algo->detach();
  main_state->release_events();
  if (auto* p = detail::props_of(main_state->ctx)) p->state.reset();
  posted.reset();
  timers.reset();
  event_base_free(base);
}

dispatcher::impl& dispatcher::impl::current() { return dispatcher::current().get_impl(); }

dispatcher::impl& detail::current_impl() { return dispatcher::current().get_impl(); }

void dispatcher::impl::log(const std::string& line) const {
  if (logger) logger(line);
}

// --- dispatcher ------------------------------------------------------------------------------

dispatcher::dispatcher(const dispatcher_options& options)
    : impl_(std::make_unique<impl>(*this, options)) {}

dispatcher::~dispatcher() {
  impl_->shutdown();  // fibers unwinding may still call into this dispatcher
  impl_.reset();
  this_thread_dispatcher = nullptr;
}

dispatcher& dispatcher::current() {
  if (this_thread_dispatcher) return *this_thread_dispatcher;
  return create({});
}

dispatcher& dispatcher::create(const dispatcher_options& options) {
  if (this_thread_dispatcher) throw std::logic_error("copas: this thread already has a dispatcher");
  auto& owner = dispatcher_owner();
  owner.reset(new dispatcher(options));
  this_thread_dispatcher = owner.get();
  return *owner;
}

void dispatcher::operator()(std::function<void()> init, std::optional<double> timeout) {
  copas::loop(std::move(init), timeout);
}

event_base* detail::sibling_event_base() { return detail::current_impl().base; }

bool dispatcher::post(std::function<void()> fn) { return impl_->posted->post(std::move(fn)); }

const std::shared_ptr<dispatcher::remote>& dispatcher::get_remote() const noexcept {
  return impl_->remote_handle;
}

const dispatcher_options& dispatcher::options() const noexcept { return impl_->options; }

dispatcher::stack_stats dispatcher::stacks() const noexcept {
  auto& p = *impl_->stacks;
  return {p.guarded_live(), p.unguarded_live(), p.pooled_free(), p.unguarded_warnings()};
}

bool dispatcher::remote::post(std::function<void()> fn) {
  return shared_->queue->post(std::move(fn));
}

}  // namespace copas
