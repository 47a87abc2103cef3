#include "real_peer.hpp"

#include "ports.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace copas::test {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

real_peer::real_peer(const std::string& launcher, const std::vector<std::string>& args,
                     const std::vector<std::uint16_t>& ports, double seconds)
    : tmp_(launcher.substr(0, launcher.find('.'))) {
  ::chmod(dir_.c_str(), 0755);  // servers that drop to nobody enter it
  std::vector<std::string> argv{std::string(COPAS_PEERS_DIR) + "/" + launcher, dir_};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargs;
  for (auto& a : argv) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  std::string log = dir_ + "/launcher.log";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);  // its own group: stop() ends all of it
  posix_spawnattr_setpgroup(&attr, 0);
  int rc = posix_spawn(&pid_, cargs[0], &fa, &attr, cargs.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("cannot run " + argv[0]);

  auto until = clock_type::now() + std::chrono::duration<double>(seconds);
  std::size_t up = 0;
  while (up < ports.size()) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error(launcher + " exited (status " + std::to_string(status) +
                               ") before port " + std::to_string(ports[up]) + " accepted:\n" +
                               slurp(log));
    }
    if (clock_type::now() > until) {
      std::string text = slurp(log);
      stop();
      throw std::runtime_error(launcher + ": port " + std::to_string(ports[up]) +
                               " not accepting after " + std::to_string(seconds) + " s:\n" + text);
    }
    if (accepts(ports[up]))
      ++up;
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

real_peer::~real_peer() { stop(); }

void real_peer::stop() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);
  auto until = clock_type::now() + std::chrono::seconds(10);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (clock_type::now() > until) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(-pid_, SIGKILL);  // whatever of the group outlived its leader
  pid_ = -1;
}

std::string real_peer::read(const std::string& path) const { return slurp(fs::path(dir_) / path); }

std::size_t real_peer::count(const std::string& path, const std::string& what, std::size_t expected,
                             double seconds) const {
  std::size_t n = 0;
  wait_for(
      path,
      [&](const std::string& text) {
        n = 0;
        for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
        return n == expected;
      },
      seconds);
  return n;
}

void real_peer::write(const std::string& path, const std::string& content, unsigned mode) const {
  fs::path p = fs::path(dir_) / path;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  ::chmod(p.c_str(), mode);
}

bool real_peer::wait_for(const std::string& path,
                         const std::function<bool(const std::string&)>& ready,
                         double seconds) const {
  auto until = clock_type::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    if (ready(read(path))) return true;
    if (clock_type::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace copas::test
