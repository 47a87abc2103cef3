#pragma once
// The servers people run, as test peers: each is started by its launcher, a small shell script
// in tests/integration/peers/ (postfix.sh, proftpd.sh, vsftpd.sh, apache.sh, squid.sh) that
// writes a private config into a fresh temporary directory and execs the Debian binary in the
// foreground on 127.0.0.1 (through setpriv --pdeathsig TERM: a test that dies takes its server
// with it). Never /etc, never a system service.
//
//   copas::test::real_peer apache("apache.sh", {std::to_string(port)}, {port});
//   ... apache.dir() + "/www" ...
//
// The constructor returns once every listed port accepts a connection (it connects, it does not
// sleep a guessed time); it throws with the launcher's log when the server exits first or is not
// up within the deadline. The destructor stops the server's process group (SIGTERM, then
// SIGKILL after 10 s) and removes the directory.

#include "temp_dir.hpp"

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace copas::test {

class real_peer {
 public:
  // Runs peers/<launcher> DIR args..., its stdout and stderr going to DIR/launcher.log.
  real_peer(const std::string& launcher, const std::vector<std::string>& args,
            const std::vector<std::uint16_t>& ports, double seconds = 60);
  ~real_peer();
  real_peer(const real_peer&) = delete;
  real_peer& operator=(const real_peer&) = delete;

  // The private directory (mode 0755, so a server that drops to nobody can enter it).
  const std::string& dir() const { return dir_; }
  // The contents of DIR/<path> ("" when it does not exist).
  std::string read(const std::string& path) const;
  // How many times `what` occurs in DIR/<path> (a log line the clients caused), once that is
  // `expected` or `seconds` have passed: servers write their logs after the response.
  std::size_t count(const std::string& path, const std::string& what, std::size_t expected,
                    double seconds = 10) const;
  // Writes DIR/<path> (parent directories created).
  void write(const std::string& path, const std::string& content, unsigned mode = 0644) const;
  // Polls DIR/<path> until `ready(contents)` holds (a log line written, a mail delivered),
  // up to `seconds`. Returns whether it held.
  bool wait_for(const std::string& path, const std::function<bool(const std::string&)>& ready,
                double seconds = 30) const;

 private:
  void stop();

  temp_dir tmp_;
  const std::string& dir_ = tmp_.path;
  pid_t pid_ = -1;
};

}  // namespace copas::test
