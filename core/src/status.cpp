#include "dispatcher_impl.hpp"
#include "reactor_algorithm.hpp"

#include <copas/core/status.hpp>

#include <cmath>

namespace copas {

namespace {
double round_to(double v, double unit) { return std::round(v / unit) * unit; }
}  // namespace

void dispatcher::impl::before_poll() noexcept {
  if (!stats.enabled) return;
  auto now = clock::now();
  if (stats.measuring) {
    // The time since the previous poll returned: spent running fibers, not waiting for I/O.
    double spent = to_seconds(now - stats.last_poll_end);
    ++stats.steps;
    stats.tot += spent;
    stats.min = std::min(stats.min, spent);
    stats.max = std::max(stats.max, spent);
    stats.min_ever = std::min(stats.min_ever, spent);
    stats.max_ever = std::max(stats.max_ever, spent);
  }
}

void dispatcher::impl::after_poll() noexcept {
  if (!stats.enabled) return;
  stats.measuring = true;
  stats.last_poll_end = clock::now();
}

void detail::count_failed_handshake() noexcept { ++detail::current_impl().failed_handshakes; }

status_report status(std::optional<bool> enable_stats) {
  auto& d = detail::current_impl();
  status_report r;
  r.running = d.running;
  r.read = d.reading;
  r.write = d.writing;
  r.active = static_cast<int>(d.algo->ready_fibers());
  r.timer = d.sleeping;
  r.inactive = d.lethargic + d.sync_waiting;
  r.timeout = d.timeouts + d.sync_deadlines;
  r.failed_handshakes = d.failed_handshakes;

  auto& st = d.stats;
  auto reset = [&] {
    st.measuring = false;
    st.steps = 0;
    st.tot = 0;
    st.min = 999999;
    st.max = -1;
    st.time_start = gettime();
  };
  if (enable_stats.has_value()) {
    if (*enable_stats) {
      st.enabled = true;
      st.min_ever = 999999;
      st.max_ever = -1;
      reset();
    } else {
      st.enabled = false;
    }
    return r;
  }
  if (!st.enabled || st.steps == 0) return r;

  status_report::statistics s;
  s.steps = st.steps;
  s.duration_tot = round_to(st.tot * 1000, 0.001);
  s.duration_min = round_to(st.min * 1000, 0.001);
  s.duration_max = round_to(st.max * 1000, 0.001);
  s.duration_avg = round_to(st.tot / st.steps * 1000, 0.001);
  s.duration_min_ever = round_to(st.min_ever * 1000, 0.001);
  s.duration_max_ever = round_to(st.max_ever * 1000, 0.001);
  s.time_start = round_to(st.time_start, 0.001);
  s.time_end = round_to(gettime(), 0.001);
  s.time_tot = round_to(s.time_end - s.time_start, 0.001);
  s.time_avg = round_to(s.time_tot / st.steps * 1000, 0.001);
  r.stats = s;
  reset();
  return r;
}

}  // namespace copas
