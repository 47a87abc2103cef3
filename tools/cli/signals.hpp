#pragma once
// A server tool's signals, for its fibers, without polling: the handler counts each signal and
// writes a byte to the pipe of every listener (write() is async-signal-safe); a fiber parks on
// its listener's pipe until a signal comes. Each serving thread keeps its own listener, so every
// thread hears every signal (a signalfd would hand each signal to one reader only).
//
//   signals::install({SIGTERM, SIGUSR1});  // before the threads start
//   copas::addthread([] {                     // in each serving thread
//     signals::listener news;
//     while (signals::count(SIGTERM) == 0) {
//       news.wait();
//       ...  // look at signals::count(SIGUSR1)
//     }
//   });

#include <initializer_list>

namespace copas::tools::signals {

// Handles each of `sigs` from now on (SA_RESTART); call once, before any listener exists.
void install(std::initializer_list<int> sigs);

// How many times `sig` came since install().
unsigned count(int sig) noexcept;

// One fiber's end of the signals. Up to 64 may exist at once (one per serving thread); the
// constructor throws std::runtime_error beyond that or when no pipe can be made.
class listener {
 public:
  listener();
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  // Parks the calling fiber until a signal came that this listener's waits have not yet seen
  // (counting from install(): a signal that came before the listener existed returns the first
  // wait at once). Callers look at count() after it returns.
  void wait();

 private:
  int slot_ = -1;
  unsigned seen_ = 0;  // the sum of every count() when a wait last returned
};

}  // namespace copas::tools::signals
