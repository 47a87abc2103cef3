// copas-proxy against real peers: curl and http::request through it (absolute-form and CONNECT)
// to nginx, 502/400 answers, relay mode, and a clean exit on SIGTERM.
#include "child_process.hpp"
#include "http_test.hpp"
#include "nginx_server.hpp"

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <thread>

using namespace copas;
using namespace copas::test;

class Proxy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { nginx_ = std::make_unique<nginx_server>(pki().cert, pki().key); }
  static void TearDownTestSuite() { nginx_.reset(); }
  void TearDown() override { http::pool::clear(); }

  // Starts copas-proxy (forward mode, or relay to `upstream`) and waits for its port.
  static std::pair<std::unique_ptr<background_child>, std::uint16_t> start(
      std::string upstream = {}, std::vector<std::string> more = {}) {
    auto port = pick_port();
    std::vector<std::string> argv = {COPAS_PROXY_BIN, "--listen",
                                     "127.0.0.1:" + std::to_string(port), "--grace", "1"};
    if (!upstream.empty()) argv.insert(argv.end(), {"--upstream", upstream});
    argv.insert(argv.end(), more.begin(), more.end());
    auto child = std::make_unique<background_child>(argv);
    EXPECT_TRUE(wait_for_port(port));
    return {std::move(child), port};
  }
  static std::string plain(const std::string& path) {
    return "http://localhost:" + std::to_string(nginx_->http_port()) + path;
  }
  static std::string tls(const std::string& path) {
    return "https://localhost:" + std::to_string(nginx_->https_port()) + path;
  }
  static inline std::unique_ptr<nginx_server> nginx_;
};

TEST_F(Proxy, CurlThroughTheForwardProxyHttpAndConnect) {
  auto [proxy, port] = start();
  auto via = "http://127.0.0.1:" + std::to_string(port);
  child_result a, b;
  loop([&] {
    a = run_child({"curl", "-sS", "-x", via, plain("/index.html")});
    b = run_child({"curl", "-sS", "--cacert", pki().ca, "-x", via, tls("/index.html")});
  });
  EXPECT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, "<html>copas-cpp test page</html>\n");
  EXPECT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(b.out, "<html>copas-cpp test page</html>\n");
  EXPECT_EQ(proxy->stop(), 0);  // SIGTERM: stop accepting, drain, exit 0
}

TEST_F(Proxy, HttpRequestThroughTheProxyKeepsConnectionsAlive) {
  auto [proxy, port] = start();
  loop([&, port = port] {
    auto via = "http://127.0.0.1:" + std::to_string(port);
    auto before = http::pool::opened();
    for (int i = 0; i < 20; ++i) {
      http::request_params p;
      p.url = plain("/index.html");
      p.proxy = via;
      auto r = http::request(std::move(p));
      ASSERT_TRUE(r) << r.error().message();
      EXPECT_EQ(r->code, 200);
    }
    EXPECT_EQ(http::pool::opened() - before, 1u);
    http::request_params s;
    s.url = tls("/index.html");
    s.proxy = via;
    s.sslparams = client_tls();
    std::vector<std::string> out;
    s.sink = ltn12::sink::table(out);
    auto r = http::request(std::move(s));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->code, 200);
    EXPECT_EQ(out.empty() ? "" : out[0], "<html>copas-cpp test page</html>\n");
    http::pool::clear();
  });
}

TEST_F(Proxy, BadGatewayAndBadRequest) {
  auto [proxy, port] = start();
  loop([&, port = port] {
    auto via = "http://127.0.0.1:" + std::to_string(port);
    http::request_params p;
    p.url = "http://127.0.0.1:" + std::to_string(free_port()) + "/";
    p.proxy = via;
    auto r = http::request(std::move(p));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, 502);
    auto c = wrap(tcp());
    c.settimeout(5);
    ASSERT_TRUE(c.connect("127.0.0.1", port));
    c.send("this is not http\r\n\r\n");
    auto status = c.receive();
    EXPECT_EQ(status.value_or_partial(), "HTTP/1.1 400 Bad Request");
    c.close();
    // CONNECT to a closed port: 502 from the tunnel attempt, seen as the request's error.
    http::request_params t;
    t.url = "https://localhost:" + std::to_string(free_port()) + "/";
    t.proxy = via;
    auto tr = http::request(std::move(t));
    ASSERT_FALSE(tr);
    EXPECT_TRUE(tr.error().message().starts_with("proxy CONNECT to localhost:"))
        << tr.error().message();
    EXPECT_NE(tr.error().message().find("refused: HTTP/1.1 502 Bad Gateway"), std::string::npos);
  });
}

TEST_F(Proxy, RelayModeAndCopasFetchThroughTheProxy) {
  auto [relay, rport] = start("127.0.0.1:" + std::to_string(nginx_->http_port()));
  auto [proxy, pport] = start();
  child_result f;
  loop([&, rport = rport, pport = pport] {
    auto r = http::request("http://127.0.0.1:" + std::to_string(rport) + "/index.html");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "<html>copas-cpp test page</html>\n");
    http::pool::clear();
    f = run_child({COPAS_FETCH_BIN, "--cacert", pki().ca, "-x",
                   "127.0.0.1:" + std::to_string(pport), tls("/index.html")});
  });
  EXPECT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(f.out, "<html>copas-cpp test page</html>\n");
  EXPECT_EQ(relay->stop(), 0);
}

// A plain blocking connection through the relay that has had one keep-alive exchange with nginx,
// so the relay's fiber for it is running when the test signals the proxy.
static int relayed_connection(std::uint16_t port) {
  int fd = connect_blocking(port);
  EXPECT_GE(fd, 0) << "cannot connect to the relay";
  std::string request = "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n";
  EXPECT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), ssize_t(request.size()));
  std::string reply;
  char buf[4096];
  while (!reply.ends_with("</html>\n")) {
    auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    reply.append(buf, std::size_t(n));
  }
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 ")) << reply;
  return fd;
}

// SIGTERM in relay mode: the listener closes at once, an open connection may finish within
// --grace, and the proxy exits as soon as the last one ends (not when the grace period does).
TEST_F(Proxy, RelayShutdownEndsWhenTheLastConnectionDoes) {
  auto port = pick_port();
  background_child relay({COPAS_PROXY_BIN, "--listen", "127.0.0.1:" + std::to_string(port),
                          "--upstream", "127.0.0.1:" + std::to_string(nginx_->http_port()),
                          "--grace", "60"});
  ASSERT_TRUE(wait_for_port(port));
  int fd = relayed_connection(port);
  ::kill(relay.pid(), SIGTERM);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (accepts(port) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_FALSE(accepts(port)) << "the listener is still open 10 s after SIGTERM";
  int status = 0;
  EXPECT_EQ(::waitpid(relay.pid(), &status, WNOHANG), 0) << "exited with a connection open";
  ::close(fd);
  auto closed = std::chrono::steady_clock::now();
  EXPECT_EQ(relay.stop(0), 0);  // signal 0: only reaps it
  EXPECT_LT(std::chrono::steady_clock::now() - closed, std::chrono::seconds(20))
      << "the proxy waited out its 60 s grace period";
}

// A connection still open when --grace ends is closed, and the proxy exits 0.
TEST_F(Proxy, RelayShutdownClosesWhatOutlivesTheGracePeriod) {
  auto [relay, port] = start("127.0.0.1:" + std::to_string(nginx_->http_port()));
  int fd = relayed_connection(port);
  timeval patience{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  auto signalled = std::chrono::steady_clock::now();
  EXPECT_EQ(relay->stop(), 0);
  EXPECT_GE(std::chrono::steady_clock::now() - signalled, std::chrono::milliseconds(900))
      << "closed before the 1 s grace period ended";
  char byte;
  EXPECT_EQ(::recv(fd, &byte, 1, 0), 0) << "the relay did not close the connection";
  ::close(fd);
}

TEST_F(Proxy, EveryThreadAcceptsOnTheSharedAddress) {
  auto [proxy, port] = start({}, {"--threads", "3"});
  // One task per dispatcher thread (the kernel's count, not the proxy's word for it). The port
  // opens before the other threads start.
  auto tasks = [pid = proxy->pid()] {
    std::size_t n = 0;
    for ([[maybe_unused]] auto& t :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task"))
      ++n;
    return n;
  };
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (tasks() < 3 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(tasks(), 3u);
  // 60 connections at once: SO_REUSEPORT spreads them by address hash, so every listener gets
  // some (all on one of three: odds 3^-59). One that no thread accepted would time out.
  int ok = 0;
  std::string first_failure;
  loop([&, port = port] {
    for (int i = 0; i < 60; ++i)
      addthread([&, port] {  // outlives this loop body: its own copy of the port
        auto c = wrap(tcp());
        c.settimeout(5);
        auto connected = c.connect("127.0.0.1", port);
        auto sent = connected ? c.send("GET " + plain("/index.html") +
                                       " HTTP/1.1\r\nHost: localhost\r\n"
                                       "Connection: close\r\n\r\n")
                              : send_result::failure(connected.error(), 0);
        // Copas's "*a": a close seen after an earlier wait is "closed", with the data as partial.
        auto got = c.receive(copas::all);
        std::string reply = got.value_or_partial();
        bool whole = got || got.error() == errc::closed;
        if (whole && reply.starts_with("HTTP/1.1 200 ") &&
            reply.ends_with("\r\n\r\n<html>copas-cpp test page</html>\n"))
          ++ok;
        else if (first_failure.empty())
          first_failure = !connected ? "connect: " + connected.error().message()
                          : !sent    ? "send: " + sent.error().message()
                          : whole    ? "reply: " + reply.substr(0, 80)
                                     : "receive: " + got.error().message() + " after " +
                                        std::to_string(reply.size()) + " bytes";
        c.close();
      });
  });
  EXPECT_EQ(ok, 60) << first_failure;
  EXPECT_EQ(proxy->stop(), 0);  // SIGTERM reaches every thread; all of them end
}

// Bad arguments exit 2 with the reason on stderr, as the man page says (not CLI11's own codes).
TEST(ProxyCommandLine, BadArgumentsExitTwoAndSayWhy) {
  copas::test::child_result missing, both, threads, help;
  copas::loop([&] {
    missing = copas::test::run_child({COPAS_PROXY_BIN});
    both = copas::test::run_child(
        {COPAS_PROXY_BIN, "--listen", "127.0.0.1:0", "--upstream", "a:1", "--reverse", "b"});
    threads =
        copas::test::run_child({COPAS_PROXY_BIN, "--listen", "127.0.0.1:0", "--threads", "0"});
    help = copas::test::run_child({COPAS_PROXY_BIN, "--help"});
  });
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--listen is required"), std::string::npos) << missing.err;
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--upstream excludes --reverse"), std::string::npos) << both.err;
  EXPECT_EQ(threads.exit_code, 2);
  EXPECT_NE(threads.err.find("--threads"), std::string::npos) << threads.err;
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--reverse"), std::string::npos) << help.out;
}
