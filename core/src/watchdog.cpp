// The watchdog thread samples which fiber runs and how many switches happened; the same fiber
// with no switch for longer than the limit is reported. Its stack can only be read on its own
// thread: a signal (SIGRTMIN+5) makes the dispatcher thread dump its return addresses
// (async-signal-safe), and the watchdog thread symbolizes them.
#include "watchdog.hpp"

#include "traceback.hpp"

#include <boost/stacktrace.hpp>

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace copas::detail {

namespace {

int capture_signal() { return SIGRTMIN + 5; }

// One capture at a time, process-wide (watchdogs of several dispatchers take turns).
struct capture_slot {
  std::mutex turn;
  std::atomic<int> state{0};  // 0 idle, 1 requested, 2 captured
  thread_state* target = nullptr;
  const std::atomic<thread_state*>* running = nullptr;  // the watchdog's view of who runs
  char name[128] = {};
  std::size_t frames = 0;
  void* addresses[128] = {};
};

capture_slot& slot() {
  static capture_slot s;
  return s;
}

extern "C" void on_capture_signal(int) {
  auto& s = slot();
  if (s.state.load(std::memory_order_acquire) != 1) return;
  s.frames = boost::stacktrace::safe_dump_to(s.addresses, sizeof s.addresses);
  // The name, byte by byte (no allocation here); the fiber is this thread's, stuck where it runs.
  std::size_t n = 0;
  // Only if the fiber is still the one running: then it is alive (it is freed on this thread).
  if (s.target && s.running->load(std::memory_order_relaxed) == s.target) {
    const std::string& name = s.target->name;
    n = std::min(name.size(), sizeof s.name - 1);
    std::memcpy(s.name, name.data(), n);
  }
  s.name[n] = '\0';
  s.state.store(2, std::memory_order_release);
}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = on_capture_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(capture_signal(), &sa, nullptr);
  });
}

}  // namespace

watchdog::watchdog(std::chrono::milliseconds limit, std::function<void(const std::string&)> report)
    : limit_(limit), report_(std::move(report)), target_(pthread_self()) {
  install_handler();
  thread_ = std::thread([this] { run(); });
}

watchdog::~watchdog() {
  {
    std::lock_guard lock(m_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void watchdog::run() {
  using steady = std::chrono::steady_clock;
  std::uint64_t seen = epoch_.load(std::memory_order_acquire);
  auto since = steady::now();
  bool reported = false;
  std::unique_lock lock(m_);
  while (!cv_.wait_for(lock, std::max(limit_ / 4, std::chrono::milliseconds(1)),
                       [this] { return stop_; })) {
    auto epoch = epoch_.load(std::memory_order_acquire);
    auto now = steady::now();
    if (epoch != seen) {
      seen = epoch;
      since = now;
      reported = false;
      continue;
    }
    thread_state* busy = running_.load(std::memory_order_relaxed);
    if (busy && !reported && now - since > limit_) {
      reported = true;
      lock.unlock();
      report(busy, now - since);
      lock.lock();
    }
  }
}

void watchdog::report(thread_state* busy, std::chrono::steady_clock::duration ran) {
  auto& s = slot();
  std::string name, stack;
  {
    std::lock_guard turn(s.turn);
    s.target = busy;
    s.running = &running_;
    s.frames = 0;
    s.state.store(1, std::memory_order_release);
    pthread_kill(target_, capture_signal());
    // The signal lands at once unless the thread is in a system call that defers it; a stack
    // that does not come within a moment is reported missing rather than waited for.
    for (int i = 0; i < 200 && s.state.load(std::memory_order_acquire) != 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (s.state.load(std::memory_order_acquire) == 2) {
      name = s.name;
      stack = format_stack(
          boost::stacktrace::stacktrace::from_dump(s.addresses, s.frames * sizeof(void*)));
    } else {
      stack = "stack traceback: (not captured: the thread did not take the signal in time)";
    }
    s.state.store(0, std::memory_order_release);
  }
  if (name.empty()) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "thread: %p", static_cast<const void*>(busy));
    name = buf;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ran).count();
  std::string text = "copas watchdog: fiber '" + name + "' has run for " + std::to_string(ms) +
                     " ms without yielding\n" + stack;
  if (report_)
    report_(text);
  else
    std::cerr << text << std::endl;
}

}  // namespace copas::detail
