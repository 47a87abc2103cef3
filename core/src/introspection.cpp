// copas::fibers() and copas::dump(): a snapshot of the dispatcher's live fibers.
#include "dispatcher_impl.hpp"

#include <copas/core/introspection.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

namespace copas {

using detail::thread_state;

namespace {

// The deepest committed page of a stack that grows down from bottom + size: the kernel commits a
// page when it is first touched, so the lowest resident one marks the deepest point reached.
std::size_t stack_high_water(const void* bottom, std::size_t size) {
  if (!bottom || !size) return 0;
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  auto lo = reinterpret_cast<std::uintptr_t>(bottom) / page * page;
  auto hi = reinterpret_cast<std::uintptr_t>(bottom) + size;
  std::size_t pages = (hi - lo + page - 1) / page;
  std::vector<unsigned char> resident(pages);
  if (::mincore(reinterpret_cast<void*>(lo), hi - lo, resident.data()) != 0) return 0;
  for (std::size_t i = 0; i < pages; ++i)
    if (resident[i] & 1) return hi - (lo + i * page);
  return 0;
}

std::string waits_on(const thread_state& s) {
  switch (s.kind) {
    case wait_kind::read:
    case wait_kind::write: {
      const char* op = s.kind == wait_kind::read ? "read" : "write";
      if (!s.parked_on) return op;
      return "socket '" + s.parked_on->socket_name() + "' " + op;
    }
    case wait_kind::sleep: return "timer";
    case wait_kind::lethargy: return s.waits_for ? s.waits_for : "forever";
    case wait_kind::sync: return s.waits_for ? s.waits_for : "sync";
    case wait_kind::external: return s.waits_for ? s.waits_for : "another thread";
  }
  return {};
}

fiber_info describe(const thread_state& s, const thread_state* running, clock::time_point now) {
  fiber_info f;
  f.name = s.display_name();
  if (&s == running) {
    f.state = fiber_state::running;
  } else if (s.parked) {
    f.state = s.kind == wait_kind::sleep ? fiber_state::sleeping : fiber_state::waiting;
    f.kind = s.kind;
    f.waits_on = waits_on(s);
    f.waiting_seconds = std::max(0.0, to_seconds(now - s.parked_at));
  }
  f.switches = s.switches;
  f.cpu_seconds = to_seconds(s.cpu);
  f.stack_size = s.stack_size;
  f.stack_high_water = stack_high_water(s.stack_bottom, s.stack_size);
  return f;
}

}  // namespace

const char* to_string(fiber_state s) noexcept {
  switch (s) {
    case fiber_state::ready: return "ready";
    case fiber_state::running: return "running";
    case fiber_state::waiting: return "waiting";
    case fiber_state::sleeping: return "sleeping";
  }
  return "?";
}

std::vector<fiber_info> fibers() {
  auto& d = detail::current_impl();
  // Null in a callback (a signal event, a post): no fiber is running then.
  const thread_state* running = d.in_callback ? nullptr : d.running_state;
  auto now = coarse_now();
  std::vector<fiber_info> out;
  out.reserve(d.live_count);
  for (const thread_state* s = d.live_head; s; s = s->live_next)
    if (!s->is_driver) out.push_back(describe(*s, running, now));
  return out;
}

void dump(std::ostream& out) {
  auto all = fibers();
  // The table is made whole and written at once: dispatchers on other threads may dump to the
  // same unbuffered stream at the same moment (copas-echo --threads on SIGUSR1), and a write per
  // piece interleaved their lines, even in mid-line.
  std::string table;
  char line[512];
  std::snprintf(line, sizeof line, "%-28s %-8s %-36s %9s %9s %9s %13s\n", "FIBER", "STATE",
                "WAITS ON", "SINCE s", "SWITCHES", "CPU ms", "STACK KiB");
  table += line;
  for (const auto& f : all) {
    std::snprintf(line, sizeof line, "%-28.28s %-8s %-36.36s %9.3f %9llu %9.1f %6zu/%-6zu\n",
                  f.name.c_str(), to_string(f.state), f.waits_on.c_str(), f.waiting_seconds,
                  static_cast<unsigned long long>(f.switches), f.cpu_seconds * 1e3,
                  f.stack_high_water / 1024, f.stack_size / 1024);
    table += line;
  }
  table += std::to_string(all.size()) + " fibers\n";
  out.write(table.data(), static_cast<std::streamsize>(table.size()));
  out.flush();
}

}  // namespace copas
