#include "child_process.hpp"

#include "http_test.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace copas::test {

namespace {

pid_t spawn(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (!out.empty()) posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (!err.empty()) posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot run " + argv[0]);
  return pid;
}

std::string slurp(const std::string& name) {
  std::ifstream f(name, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int wait_in_fiber(pid_t pid) {
  int st = 0;
  while (::waitpid(pid, &st, WNOHANG) == 0) copas::pause(0.005);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace

child_result run_child(const std::vector<std::string>& argv) {
  static const std::string dir = temp_dir("child");
  child_result r;
  auto pid = spawn(argv, dir + "/out", dir + "/err");
  r.exit_code = wait_in_fiber(pid);
  r.out = slurp(dir + "/out");
  r.err = slurp(dir + "/err");
  return r;
}

background_child::background_child(const std::vector<std::string>& argv) : pid_(spawn(argv, "", "")) {}

background_child::~background_child() { stop(); }

int background_child::stop(int sig) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  int st = 0;
  ::waitpid(pid_, &st, 0);
  pid_ = -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace copas::test
