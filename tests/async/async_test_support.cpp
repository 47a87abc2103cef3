#include "async_test_support.hpp"

#include <copas/core.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <filesystem>
#include <thread>

namespace copas::test {

std::size_t thread_count() {
  std::size_t n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

bool has_children() {
  siginfo_t info{};
  return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

bool group_alive(int pgid) { return ::kill(-pgid, 0) == 0 || errno != ESRCH; }

bool eventually(const std::function<bool()>& pred, double seconds) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool eventually_in_fiber(const std::function<bool()>& pred, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    copas::pause(0.005);
  }
  return true;
}

void start_ticker(double interval, int& ticks, const bool& stop) {
  copas::addthread([interval, &ticks, &stop] {
    while (!stop) {
      copas::pause(interval);
      ++ticks;
    }
  });
}

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace copas::test
