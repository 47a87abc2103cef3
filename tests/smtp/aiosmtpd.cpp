#include "aiosmtpd.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace copas::test {

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

pid_t spawn(const std::vector<std::string>& argv, posix_spawn_file_actions_t* fa) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, args[0], fa, nullptr, args.data(), environ) != 0)
    throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

}  // namespace

int run(const std::vector<std::string>& argv, const std::string& input, const std::string& errors) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, input.empty() ? "/dev/null" : input.c_str(), O_RDONLY,
                                   0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, errors.empty() ? "/dev/null" : errors.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = spawn(argv, &fa);
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

certificate::certificate(const std::string& dir) : cert(dir + "/cert.pem"), key(dir + "/key.pem") {
  int rc =
      run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
           "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
           "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"});
  if (rc != 0) throw std::runtime_error("openssl req failed");
}

std::string received::get(const std::string& key) const {
  auto it = info.find(key);
  return it == info.end() ? std::string() : it->second;
}

std::vector<std::string> received::all(const std::string& key) const {
  std::vector<std::string> out;
  for (auto [it, end] = info.equal_range(key); it != end; ++it) out.push_back(it->second);
  return out;
}

aiosmtpd::aiosmtpd(options o) : cert_(dir_.path) {
  std::vector<std::string> argv = {COPAS_PYTHON3, COPAS_SMTP_SERVER_SCRIPT,
                                   "--dir",       spool_.path,
                                   "--mode",      o.mode,
                                   "--cert",      cert_.cert,
                                   "--key",       cert_.key};
  if (!o.user.empty()) argv.insert(argv.end(), {"--user", o.user, "--password", o.password});
  for (auto& m : o.exclude_auth) argv.insert(argv.end(), {"--exclude-auth", m});
  if (o.smtputf8) argv.push_back("--smtputf8");
  if (o.size_limit) argv.insert(argv.end(), {"--size-limit", std::to_string(o.size_limit)});
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  pid_ = spawn(argv, &fa);
  posix_spawn_file_actions_destroy(&fa);
  ::close(in[0]);
  ::close(out[1]);
  stdin_fd_ = in[1];
  // Blocking read of "PORT <n>\n": the server is up before any fiber runs.
  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(out[0]);
  if (line.rfind("PORT ", 0) != 0)
    throw std::runtime_error("smtp_server.py did not start: " + line);
  port_ = static_cast<std::uint16_t>(std::stoi(line.substr(5)));
}

aiosmtpd::~aiosmtpd() {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status;
    waitpid(pid_, &status, 0);
  }
}

std::vector<received> aiosmtpd::messages() const {
  std::vector<received> out;
  for (int n = 1;; ++n) {
    fs::path info = fs::path(spool_.path) / (std::to_string(n) + ".info");
    if (!fs::exists(info)) break;
    received r;
    r.data = slurp(fs::path(spool_.path) / (std::to_string(n) + ".eml"));
    std::istringstream lines(slurp(info));
    for (std::string l; std::getline(lines, l);) {
      auto eq = l.find('=');
      if (eq != std::string::npos) r.info.emplace(l.substr(0, eq), l.substr(eq + 1));
    }
    out.push_back(std::move(r));
  }
  return out;
}

int aiosmtpd::quits() const {
  std::istringstream lines(slurp(fs::path(spool_.path) / "quits"));
  int n = 0;
  for (std::string l; std::getline(lines, l);) n += l == "quit";
  return n;
}

}  // namespace copas::test
