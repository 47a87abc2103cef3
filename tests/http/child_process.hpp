#pragma once
// Runs a tool (copas-fetch, copas-proxy, curl) as a child process from a fiber: the fiber waits
// with copas::pause so that in-process servers keep serving meanwhile.

#include <sys/types.h>

#include <string>
#include <vector>

namespace copas::test {

struct child_result {
  int exit_code = -1;  // -1: killed by a signal
  std::string out, err;
};

// Runs argv to completion (inside a fiber), capturing stdout and stderr.
child_result run_child(const std::vector<std::string>& argv);

// A long-running child (a proxy) stopped by SIGTERM in stop() or the destructor.
class background_child {
 public:
  explicit background_child(const std::vector<std::string>& argv);
  ~background_child();
  // Sends `sig` and reaps; returns the exit code (-1 if killed by a signal).
  int stop(int sig = 15);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

}  // namespace copas::test
