#pragma once
// Child processes for tests against real peers and tools (curl, openssl s_server / s_client,
// copas-fetch, copas-proxy, a Python peer), driven from fibers so that in-process servers keep
// serving meanwhile.
//
//   auto r = copas::test::run_child({"curl", "-sS", url});         // in a fiber: r.exit_code,
//   r.out copas::test::background_child proxy({"copas-proxy", ...});     // SIGTERM and reaped at
//   scope end copas::test::background_child peer(argv, copas::test::child_stdio::socket);
//   peer.io.send("hello\n");                                       // its stdin and stdout

#include <copas/net/socket.hpp>

#include <signal.h>
#include <sys/types.h>

#include <string>
#include <vector>

namespace copas::test {

struct child_result {
  int exit_code = -1;  // -1: killed by a signal
  std::string out, err;
};

// Runs argv to completion (inside a fiber, which polls for the exit), capturing stdout and stderr;
// stdin is the file `input` (empty: the test's own). Throws std::runtime_error if argv[0]
// cannot be run.
child_result run_child(const std::vector<std::string>& argv, const std::string& input = {});

enum class child_stdio {
  inherit,  // the test's own stdin, stdout, stderr
  socket,   // stdin and stdout are one end of a socket pair, the other is `io`
};

// A child that runs alongside the test until stop() or the destructor.
class background_child {
 public:
  explicit background_child(const std::vector<std::string>& argv,
                            child_stdio stdio = child_stdio::inherit);
  background_child(const background_child&) = delete;
  background_child& operator=(const background_child&) = delete;
  ~background_child();

  // Sends `sig` (if still running), reaps the child and closes `io`. Returns the wait status
  // (WIFEXITED / WEXITSTATUS; 0 for a clean exit); a second call returns the first one's.
  int stop(int sig = SIGTERM);
  pid_t pid() const { return pid_; }

  copas::socket io;  // child_stdio::socket only: a copas::socket, so fibers never block on it

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

}  // namespace copas::test
