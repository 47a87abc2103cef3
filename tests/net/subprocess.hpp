#pragma once
// A child process (openssl s_server / s_client) whose stdin and stdout are one end of a socket
// pair, wrapped as a copas::socket so that fibers talk to it without blocking the loop.

#include <copas/net/socket.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

extern char** environ;

namespace copas::test {

class subprocess {
 public:
  explicit subprocess(std::vector<std::string> argv) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawnp(&pid_, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(sv[1]);
    io = copas::wrap(sv[0]);
  }
  subprocess(const subprocess&) = delete;
  subprocess& operator=(const subprocess&) = delete;
  ~subprocess() { stop(); }

  // Terminates the child (if still running) and reaps it; closes the pipe.
  int stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, &status_, 0);
      pid_ = -1;
    }
    io.close();
    return status_;
  }

  copas::socket io;

 private:
  pid_t pid_ = -1;
  int status_ = 0;
};

}  // namespace copas::test
