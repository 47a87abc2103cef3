#pragma once
// pyftpdlib (Debian's python3-pyftpdlib) started from this process through ftp_server.py, on
// 127.0.0.1 with a fresh root directory, for the ftp tests and benchmarks. No GoogleTest here.
//
// Needs COPAS_FTP_PYTHON and COPAS_FTP_SERVER_SCRIPT defined (tests/ftp/CMakeLists.txt).

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

extern char** environ;

namespace copas::test {

// pyftpdlib serving a temporary directory: "user"/"secret" may write, anonymous ("ftp") may read.
// It listens on `host`: "127.0.0.1", or "::1" for IPv6 (the server fails to start, and the
// constructor throws, when the address does not exist).
class ftp_server {
 public:
  // stock_anonymous: only "anonymous" logs in anonymously, as on a stock pyftpdlib (not "ftp").
  // delays: replies held back, for timing tests ("RETR=0.2", "data=0.1": ftp_server.py --delay).
  explicit ftp_server(std::string listen_host = "127.0.0.1", bool stock_anonymous = false,
                      const std::vector<std::string>& delays = {})
      : host(std::move(listen_host)) {
    char dir[] = "/tmp/copas-ftp-XXXXXX";
    if (!::mkdtemp(dir)) throw std::runtime_error("mkdtemp failed");
    root = dir;
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    std::vector<std::string> argv{COPAS_FTP_PYTHON, COPAS_FTP_SERVER_SCRIPT, "--host", host};
    for (auto& d : delays) argv.insert(argv.end(), {"--delay", d});
    if (stock_anonymous) argv.push_back("--stock-anonymous");
    argv.insert(argv.end(), {root.string(), "0"});
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int rc = posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    if (rc != 0) {
      ::close(out[0]);
      throw std::runtime_error("cannot start " COPAS_FTP_PYTHON);
    }
    port = read_port(out[0]);
    ::close(out[0]);
  }
  ftp_server(const ftp_server&) = delete;
  ftp_server& operator=(const ftp_server&) = delete;
  ~ftp_server() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(root, ec);
  }

  // "ftp://[userinfo@]127.0.0.1:<port><path>", "ftp://[::1]:<port><path>"
  std::string url(std::string_view path, std::string_view userinfo = "") const {
    std::string u = "ftp://";
    if (!userinfo.empty()) u += std::string(userinfo) + "@";
    const bool v6 = host.find(':') != std::string::npos;
    return u + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + std::string(path);
  }

  std::string host;
  std::filesystem::path root;
  std::uint16_t port = 0;

 private:
  // The launcher prints "PORT <n>" once it listens.
  static std::uint16_t read_port(int fd) {
    std::string line;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      pollfd p{fd, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
        throw std::runtime_error("the FTP server did not start");
      char buf[64];
      auto n = ::read(fd, buf, sizeof buf);
      if (n <= 0) throw std::runtime_error("the FTP server exited");
      line.append(buf, static_cast<std::size_t>(n));
    }
    if (line.rfind("PORT ", 0) != 0)
      throw std::runtime_error("unexpected launcher output: " + line);
    return static_cast<std::uint16_t>(std::stoi(line.substr(5)));
  }
  pid_t pid_ = -1;
};

}  // namespace copas::test
