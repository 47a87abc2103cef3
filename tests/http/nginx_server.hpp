#pragma once
// A real nginx on loopback for the tests and benchmarks: non-daemon child with its own prefix,
// config, error log and pid file in a temp dir; an HTTP and an HTTPS port (test CA made with the
// openssl CLI). Started by the constructor (waits until both ports accept), stopped by the
// destructor (SIGTERM, reaped).

#include "ports.hpp"

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace copas::test {

struct nginx_options {
  std::string extra_http;   // more directives inside the plain server block
  std::string extra_https;  // more directives inside the TLS server block
  std::string extra_top;    // more directives inside http { }
  int workers = 1;
};

class nginx_server {
 public:
  // cert/key: the TLS server certificate; root files go to dir() + "/www".
  nginx_server(const std::string& cert, const std::string& key, nginx_options opts = {});
  ~nginx_server();
  nginx_server(const nginx_server&) = delete;
  nginx_server& operator=(const nginx_server&) = delete;

  std::uint16_t http_port() const { return http_port_; }
  std::uint16_t https_port() const { return https_port_; }
  const std::string& dir() const { return dir_; }
  std::string www() const { return dir_ + "/www"; }
  // Writes a file under www (directories created).
  void put_file(const std::string& path, const std::string& content) const;

 private:
  std::string dir_;
  std::uint16_t http_port_ = 0, https_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace copas::test
