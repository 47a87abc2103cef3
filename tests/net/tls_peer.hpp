#pragma once
// A real OpenSSL peer for the TLS tests: openssl s_server, driven through its stdin and stdout.
#include "child_process.hpp"
#include "tls_certs.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace copas::test {

// openssl s_server with stderr merged into the pipe (-state writes there), reporting its port.
struct s_server {
  background_child proc;
  std::uint16_t port = 0;
  std::string seen;  // every line read so far, "\n"-joined

  explicit s_server(const std::string& extra, const std::string& env = "")
      : proc({"sh", "-c",
              "exec " + env + " openssl s_server -accept 127.0.0.1:0 -cert " +
                  pki().localhost.cert + " -key " + pki().localhost.key + " " + extra + " 2>&1"},
             child_stdio::socket) {
    proc.io.settimeout(10);
    auto banner = until("ACCEPT");
    if (auto colon = banner.rfind(':'); colon != std::string::npos)
      port = static_cast<std::uint16_t>(std::stoi(banner.substr(colon + 1)));
  }
  // Reads lines until one starts with `prefix`; returns it ("" on EOF or timeout).
  std::string until(const std::string& prefix) {
    for (;;) {
      auto l = proc.io.receive();
      if (!l) {
        ADD_FAILURE() << "s_server said no '" << prefix << "' (" << l.error().message() << "):\n"
                      << seen;
        return {};
      }
      seen += *l + "\n";
      if (l->rfind(prefix, 0) == 0) return *l;
    }
  }
  std::size_t count(const std::string& needle) const {
    std::size_t n = 0;
    for (auto p = seen.find(needle); p != std::string::npos; p = seen.find(needle, p + 1)) ++n;
    return n;
  }
};

}  // namespace copas::test
