#include "child_process.hpp"

#include <copas/core/pause.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace copas::test {

namespace {

// Spawns argv (searching PATH) with the file actions `fa` has set up.
pid_t spawn(const std::vector<std::string>& argv, posix_spawn_file_actions_t& fa) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot run " + argv[0]);
  return pid;
}

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

std::string slurp_and_remove(const std::string& name) {
  std::ostringstream ss;
  ss << std::ifstream(name, std::ios::binary).rdbuf();
  ::unlink(name.c_str());
  return ss.str();
}

}  // namespace

child_result run_child(const std::vector<std::string>& argv, const std::string& input) {
  std::string dir = "/tmp/copas-child-XXXXXX";
  if (!::mkdtemp(dir.data())) throw std::runtime_error("mkdtemp failed");
  const auto out = dir + "/out", err = dir + "/err";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (!input.empty()) posix_spawn_file_actions_addopen(&fa, 0, input.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  auto pid = spawn(argv, fa);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) copas::pause(0.005);  // only this fiber waits
  child_result r;
  r.exit_code = exit_code_of(status);
  r.out = slurp_and_remove(out);
  r.err = slurp_and_remove(err);
  ::rmdir(dir.c_str());
  return r;
}

background_child::background_child(const std::vector<std::string>& argv, child_stdio stdio) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  int sv[2] = {-1, -1};
  if (stdio == child_stdio::socket) {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
      throw std::runtime_error("socketpair failed");
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
  }
  try {
    pid_ = spawn(argv, fa);
  } catch (...) {
    if (sv[0] >= 0) ::close(sv[0]), ::close(sv[1]);
    throw;
  }
  if (stdio == child_stdio::socket) {
    ::close(sv[1]);
    io = copas::wrap(sv[0]);
  }
}

background_child::~background_child() { stop(); }

int background_child::stop(int sig) {
  if (pid_ > 0) {
    ::kill(pid_, sig);
    ::waitpid(pid_, &status_, 0);
    pid_ = -1;
  }
  io.close();
  return status_;
}

}  // namespace copas::test
