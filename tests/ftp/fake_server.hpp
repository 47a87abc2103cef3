#pragma once
// An FTP server written as a script, in a fiber of the test process, for the behaviours a real
// server will not show on demand: stalls, truncation, malformed and oversized replies.
//
//   fake_ftp_server srv([](fake_control& c) {
//     c.login();                          // 220, USER -> 331, PASS -> 230
//     auto data = c.passive();            // EPSV -> 229 with a listener's port
//     c.expect("RETR"); c.say("150 here it comes");
//     auto d = data.accept(); d.send("abc"); d.close();
//     c.say("226 done");
//   });

#include <gtest/gtest.h>
#include <copas/core.hpp>
#include <copas/net.hpp>

#include <functional>
#include <memory>
#include <string>

namespace copas::test {

// A listener the script hands out for a data connection.
struct data_listener {
  copas::socket listener;
  std::uint16_t port = 0;
  copas::socket accept(double timeout = 5) {
    auto c = listener.accept(copas::deadline_after(timeout));
    listener.close();
    return c ? *c : copas::socket();
  }
};

struct fake_control {
  copas::socket s;

  // The next command line (without CRLF), "" when the client went away.
  std::string line() {
    auto r = s.receive(copas::line);
    return r ? *r : std::string();
  }
  void say(std::string_view text) { s.send(std::string(text) + "\r\n"); }
  // Reads a command and checks its verb.
  std::string expect(std::string_view verb) {
    auto l = line();
    EXPECT_EQ(l.substr(0, verb.size()), verb) << "the client sent: " << l;
    return l;
  }
  void login() {
    say("220 fake server");
    expect("USER");
    say("331 password please");
    expect("PASS");
    say("230 in");
  }
  data_listener listen() {
    auto l = copas::bind("127.0.0.1", 0).value();
    auto port = l.getsockname().value().port;
    return {l, port};
  }
  // Answers EPSV with a fresh listener.
  data_listener passive() {
    expect("EPSV");
    auto d = listen();
    say("229 Entering Extended Passive Mode (|||" + std::to_string(d.port) + "|)");
    return d;
  }
};

class fake_ftp_server {
 public:
  explicit fake_ftp_server(std::function<void(fake_control&)> script, double timeout = 10) {
    server_ = copas::bind("127.0.0.1", 0).value();
    port = server_.getsockname().value().port;
    auto srv = server_;
    copas::addserver(
        server_,
        [srv, script = std::move(script)](copas::socket client) mutable {
          copas::removeserver(srv);  // one session per test
          fake_control c{client};
          script(c);
        },
        timeout);
  }
  std::string url(std::string_view path) const {
    return "ftp://127.0.0.1:" + std::to_string(port) + std::string(path);
  }
  std::uint16_t port = 0;

 private:
  copas::socket server_;
};

}  // namespace copas::test
