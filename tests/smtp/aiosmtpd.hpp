#pragma once
// The real SMTP peer of the tests: tests/smtp/smtp_server.py (aiosmtpd) started on 127.0.0.1 with
// an ephemeral port, stopped (SIGTERM) by the destructor; plus a self-signed localhost
// certificate made with the openssl command, for STARTTLS and SMTPS.

#include "temp_dir.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace copas::test {

// cert.pem / key.pem for CN=localhost, subjectAltName localhost and 127.0.0.1, self-signed (so
// cert.pem is its own CA file).
struct certificate {
  explicit certificate(const std::string& dir);
  std::string cert, key;
};

// What the server stored for one message.
struct received {
  std::string data;                               // the DATA bytes, exactly
  std::multimap<std::string, std::string> info;   // key=value lines of <n>.info
  std::string get(const std::string& key) const;  // first value, "" if none
  std::vector<std::string> all(const std::string& key) const;
};

class aiosmtpd {
 public:
  struct options {
    std::string mode = "plain";  // "plain", "starttls", "smtps"
    std::string user, password;  // AUTH when user is not empty
    std::vector<std::string> exclude_auth;
    bool smtputf8 = false;
    std::size_t size_limit = 0;  // 552 for a message over this many bytes (0: aiosmtpd's 32 MiB)
  };
  aiosmtpd() : aiosmtpd(options{}) {}
  explicit aiosmtpd(options o);
  ~aiosmtpd();
  aiosmtpd(const aiosmtpd&) = delete;
  aiosmtpd& operator=(const aiosmtpd&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& cafile() const { return cert_.cert; }
  // The messages stored so far, in order of arrival.
  std::vector<received> messages() const;
  // How many QUIT commands the server has answered.
  int quits() const;

 private:
  temp_dir dir_;
  temp_dir spool_;
  certificate cert_;
  int pid_ = -1;
  int stdin_fd_ = -1;
  std::uint16_t port_ = 0;
};

// Runs argv (argv[0] searched in PATH) to completion; returns its exit status. stdin comes
// from `input` (a file; /dev/null when empty), stderr goes to `errors` (a file; /dev/null).
int run(const std::vector<std::string>& argv, const std::string& input = {},
        const std::string& errors = {});

}  // namespace copas::test
