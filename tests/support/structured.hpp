#pragma once
// Probes for the structured-concurrency tests: did a fiber unwind, and how many loop rounds passed.

#include <copas/core.hpp>

namespace copas::test {

// Sets its flag when destroyed: proves a fiber was unwound (its destructors ran), not abandoned.
struct unwound {
  bool* flag;
  ~unwound() { *flag = true; }
};

// Counts loop rounds: one increment per pause(0) turn of its fiber, until `stop`.
struct round_counter {
  long rounds = 0;
  bool stop = false;
  void start() {
    copas::addthread([this] {
      while (!stop) {
        ++rounds;
        copas::pause();
      }
    });
  }
};

}  // namespace copas::test
