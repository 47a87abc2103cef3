#include <copas/sync/affinity.hpp>
#include <copas/sync/timer.hpp>

#include <copas/core/ledger.hpp>
#include <copas/core/pause.hpp>
#include <copas/core/thread.hpp>
#include <copas/core/wait.hpp>

#include <atomic>
#include <optional>
#include <stdexcept>

namespace copas {

namespace {

std::string next_timer_name() {
  static std::atomic<unsigned long> count{0};  // one counter for all timers, as in Copas
  return "copas_timer_" + std::to_string(++count);
}

void check_delay(std::optional<double> d) {
  if (d && !(*d >= 0)) throw std::invalid_argument("delay must be greater than or equal to 0");
}

}  // namespace

struct timer::state {
  detail::affinity home;
  std::string name;
  bool recurring = false;
  double delay = 0;
  std::any params;
  std::function<void(timer&, std::any&)> callback;
  error_handler errorhandler;
  std::optional<ledger::entry> ledger_entry;  // debug builds: reported if alive at dispatcher end

  bool armed = false;
  // Each arm() is a generation; a fiber whose generation is not the current one is cancelled
  // and ends at its next check, whatever happened in between (Copas #213).
  unsigned long generation = 0;
  // The current generation's fiber, while it sleeps between two calls, so cancel() can end it.
  bool sleeping = false;
  waker sleeper;

  bool current(unsigned long g) const noexcept { return generation == g; }

  // Sleeps `d` seconds; false if the generation was cancelled meanwhile.
  bool sleep(unsigned long g, double d) {
    if (d <= 0) {
      pause(0);  // Copas: an initial delay of 0 still yields once
    } else {
      sleeper = this_thread::get_waker();
      sleeping = true;
      this_thread::park(wait_kind::sleep, deadline_after(d));
      if (current(g)) sleeping = false;
    }
    return current(g);
  }
};

timer::timer(timer_options options) : s_(std::make_shared<state>()) {
  if (!options.delay) throw std::invalid_argument("delay must be greater than or equal to 0");
  check_delay(options.delay);
  if (!options.callback) throw std::invalid_argument("expected callback to be a function");
  state& s = *s_;
  s.name = options.name ? std::move(*options.name) : next_timer_name();
  s.ledger_entry.emplace("timer", s.name);
  s.recurring = options.recurring;
  s.delay = *options.delay;
  s.params = std::move(options.params);
  s.callback = std::move(options.callback);
  s.errorhandler = std::move(options.errorhandler);
  arm(options.initial_delay);
}

result<timer> timer::arm(std::optional<double> initial_delay) {
  state& s = *s_;
  s.home.check("timer");
  check_delay(initial_delay);
  if (s.armed) return result<timer>(boost::system::in_place_error, errc::already_armed);
  s.armed = true;
  const unsigned long g = ++s.generation;
  addnamedthread(s.name, [s = s_, g, d = initial_delay.value_or(s.delay)] { run(s, g, d); });
  return *this;
}

result<timer> timer::cancel() {
  state& s = *s_;
  s.home.check("timer");
  if (!s.armed) return result<timer>(boost::system::in_place_error, errc::not_armed);
  s.armed = false;
  ++s.generation;
  if (s.sleeping) {
    s.sleeping = false;
    s.sleeper.wake();
  }
  return *this;
}

void timer::run(std::shared_ptr<state> sp, unsigned long g, double first_delay) {
  state& s = *sp;
  if (s.errorhandler) seterrorhandler(s.errorhandler);
  // Removed (removethread, dispatcher teardown) while current: the timer is no longer armed.
  struct on_exit {
    state& s;
    unsigned long g;
    ~on_exit() {
      if (s.current(g)) s.armed = s.sleeping = false;
    }
  } guard{s, g};

  timer self(sp);
  auto call_back = [&] {
    try {
      s.callback(self, s.params);
    } catch (const thread_cancelled&) {
      throw;
    } catch (...) {
      report_error(std::current_exception(), running_thread());
      // The timer goes on; report_error() dropped the fiber's handler as if it had died.
      if (s.errorhandler) seterrorhandler(s.errorhandler);
    }
  };

  for (double d = first_delay;; d = s.delay) {
    if (!s.sleep(g, d)) return;
    if (!s.recurring) {
      s.armed = false;  // before the callback, so that it can arm() again
      call_back();
      return;
    }
    call_back();
    if (!s.current(g)) return;
  }
}

bool timer::armed() const {
  s_->home.check("timer");
  return s_->armed;
}

const std::string& timer::name() const {
  s_->home.check("timer");
  return s_->name;
}

double timer::delay() const {
  s_->home.check("timer");
  return s_->delay;
}

bool timer::recurring() const {
  s_->home.check("timer");
  return s_->recurring;
}

std::any& timer::params() const {
  s_->home.check("timer");
  return s_->params;
}

}  // namespace copas
