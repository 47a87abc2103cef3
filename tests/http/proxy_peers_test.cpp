// copas-proxy (forward and --reverse) between real clients and nginx as the origin: ab -k with
// HTTP/1.0 keep-alive, wget and Python's http.client through the forward proxy (absolute-form
// and a CONNECT tunnel to nginx's TLS port), curl through the reverse proxy.
#include "child_process.hpp"
#include "http_test.hpp"
#include "nginx_server.hpp"
#include "server_test.hpp"

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

using namespace copas;
using namespace copas::test;

namespace {

class ProxyPeers : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    nginx_ = std::make_unique<nginx_server>(pki().cert, pki().key);
    nginx_->put_file("index.html", "<html>copas-cpp test page</html>\n");
  }
  static void TearDownTestSuite() { nginx_.reset(); }

  static std::pair<std::unique_ptr<background_child>, std::uint16_t> start(
      std::vector<std::string> more = {}) {
    auto port = pick_port();
    std::vector<std::string> argv = {COPAS_PROXY_BIN, "--listen",
                                     "127.0.0.1:" + std::to_string(port), "--grace", "1"};
    argv.insert(argv.end(), more.begin(), more.end());
    auto child = std::make_unique<background_child>(argv);
    EXPECT_TRUE(wait_for_port(port));
    return {std::move(child), port};
  }
  static std::string origin(const std::string& path = "/index.html") {
    return "http://127.0.0.1:" + std::to_string(nginx_->http_port()) + path;
  }
  static inline std::unique_ptr<nginx_server> nginx_;
};

}  // namespace

// The reported failure: HTTP/1.0 keep-alive answered without "Connection: keep-alive" made
// `ab -k -X proxy` time out.
TEST_F(ProxyPeers, AbKeepAliveThroughTheForwardProxy) {
  auto [proxy, port] = start();
  child_result r;
  loop([&, port = port] {
    r = run_child({"ab", "-k", "-s", "10", "-n", "300", "-c", "4", "-X",
                   "127.0.0.1:" + std::to_string(port), origin()});
  });
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Complete requests:      300"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Failed requests:        0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Keep-Alive requests:    300"), std::string::npos) << r.out;
  EXPECT_EQ(proxy->stop(), 0);
}

TEST_F(ProxyPeers, WgetThroughTheForwardProxy) {
  auto [proxy, port] = start();
  child_result r;
  loop([&, port = port] {
    r = run_child({"wget", "-q", "-O", "-", "-e", "use_proxy=yes", "-e",
                   "http_proxy=http://127.0.0.1:" + std::to_string(port), origin()});
  });
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "<html>copas-cpp test page</html>\n");
}

TEST_F(ProxyPeers, PythonHttpClientThroughTheForwardProxyAndATunnel) {
  auto [proxy, port] = start();
  child_result r;
  loop([&, port = port] {
    std::string script =
        "import http.client, ssl\n"
        "p = http.client.HTTPConnection('127.0.0.1', " +
        std::to_string(port) +
        ")\n"
        "out = []\n"
        "for i in range(3):\n"
        "    p.request('GET', '" +
        origin() +
        "'); r = p.getresponse(); out.append(str(r.status) + ' ' + r.read().decode().strip())\n"
        "p.request('POST', '" +
        origin() +
        "', body=iter([b'ab']), encode_chunked=True,\n"
        "          headers={'Transfer-Encoding': 'chunked'}); r = p.getresponse(); r.read(); "
        "out.append(str(r.status))\n"
        "ctx = ssl.create_default_context(cafile='" +
        pki().ca +
        "')\n"
        "t = http.client.HTTPSConnection('127.0.0.1', " +
        std::to_string(port) +
        ", context=ctx)\n"
        "t.set_tunnel('localhost', " +
        std::to_string(nginx_->https_port()) +
        ")\n"
        "t.request('GET', '/index.html'); r = t.getresponse(); out.append('tls ' + str(r.status) + "
        "' ' + r.read().decode().strip())\n"
        "print('|'.join(out))\n";
    r = run_child({"/usr/bin/python3", "-c", script});
  });
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "200 <html>copas-cpp test page</html>|200 <html>copas-cpp test page</html>|"
            "200 <html>copas-cpp test page</html>|405|tls 200 <html>copas-cpp test page</html>\n");
}

TEST_F(ProxyPeers, CurlThroughTheReverseProxyReusesItsConnection) {
  auto [proxy, port] =
      start({"--reverse", "http://127.0.0.1:" + std::to_string(nginx_->http_port())});
  child_result r;
  loop([&, port = port] {
    auto base = "http://127.0.0.1:" + std::to_string(port);
    r = run_child({"curl", "-sS", "-v", base + "/index.html", base + "/index.html"});
  });
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "<html>copas-cpp test page</html>\n<html>copas-cpp test page</html>\n");
  EXPECT_NE(r.err.find("Re-using existing connection"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("< Via: 1.1 copas-proxy"), std::string::npos) << r.err;
}

namespace {

// squid, the reference proxy, from a private config in a temp dir: no cache, no DNS beyond the
// loopback, logs in the dir. Stopped (SIGTERM) with the object.
struct squid_proxy {
  std::string dir = temp_dir("squid");
  std::uint16_t port = pick_port();
  std::unique_ptr<background_child> child;
  squid_proxy() {
    // Run as root, squid works as the "proxy" user: the dir must let it write.
    std::filesystem::permissions(dir, std::filesystem::perms::all);
    std::string conf = dir + "/squid.conf";
    FILE* f = std::fopen(conf.c_str(), "w");
    std::fprintf(
        f,
        "http_port 127.0.0.1:%u\nhttp_access allow all\ncache deny all\npid_filename %s/squid.pid\n"
        "cache_log %s/cache.log\naccess_log none\ncoredump_dir %s\nshutdown_lifetime 0 seconds\n"
        "dns_nameservers 127.0.0.1\n",
        port, dir.c_str(), dir.c_str(), dir.c_str());
    std::fclose(f);
    child = std::make_unique<background_child>(
        std::vector<std::string>{"/usr/sbin/squid", "-N", "-f", conf});
    EXPECT_TRUE(wait_for_port(port, 30)) << "squid did not start";
  }
};

// The status line a proxy answers `request` with, "+ka" when it says Connection: keep-alive.
std::string first_answer(std::uint16_t port, const std::string& request) {
  auto c = dial(port);
  c.settimeout(5);
  c.send(request);
  std::string head, l;
  for (auto r = c.receive(line); r && !r->empty(); r = c.receive(line)) {
    if (head.empty()) head = *r;
    if (*r == "Connection: keep-alive") head += " +ka";
  }
  c.close();
  return head;
}

}  // namespace

// squid as the oracle: every request squid refuses, copas-proxy refuses too (it may refuse
// more: squid repairs obs-fold, bare CR and a second Host, RFC 9112 lets a proxy refuse them);
// an HTTP/1.0 keep-alive request gets "Connection: keep-alive" from both.
TEST_F(ProxyPeers, RefusesEverythingSquidRefusesAndAgreesOnHttp10KeepAlive) {
  squid_proxy squid;
  auto [proxy, port] = start();
  auto o = origin();
  std::vector<std::pair<std::string, std::string>> vectors = {
      {"space before colon",
       "POST " + o + " HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello"},
      {"unknown coding",
       "POST " + o + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n"},
      {"gzip not chunked", "POST " + o + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"},
      {"differing lengths",
       "POST " + o +
           " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"},
      {"NUL in value", std::string("GET ") + o + " HTTP/1.1\r\nHost: x\r\nX-A: 1" +
                           std::string(1, '\0') + "2\r\n\r\n"},
      {"name not a token", "GET " + o + " HTTP/1.1\r\nHost: x\r\nX(A): 1\r\n\r\n"},
      {"obs-fold", "GET " + o + " HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n"},
      {"bare CR", "GET " + o + " HTTP/1.1\r\nHost: x\r\nX-A: 1\r2\r\n\r\n"},
      {"duplicate Host", "GET " + o + " HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n"},
  };
  std::map<std::string, std::pair<std::string, std::string>> answers;
  std::string squid_ka, copas_ka;
  loop([&, port = port] {
    for (auto& [name, req] : vectors)
      answers[name] = {first_answer(squid.port, req), first_answer(port, req)};
    std::string ka = "GET " + o + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    squid_ka = first_answer(squid.port, ka);
    copas_ka = first_answer(port, ka);
  });
  int squid_refused = 0;
  for (auto& [name, a] : answers) {
    bool squid_refuses = a.first.starts_with("HTTP/1.1 4") || a.first.starts_with("HTTP/1.1 5");
    squid_refused += squid_refuses;
    bool copas_refuses = a.second.starts_with("HTTP/1.1 4") || a.second.starts_with("HTTP/1.1 5");
    if (squid_refuses) {
      EXPECT_TRUE(copas_refuses) << name << ": squid " << a.first << ", copas-proxy " << a.second;
    }
    EXPECT_TRUE(copas_refuses) << name << ": " << a.second;  // RFC 9112: every one is refused
  }
  EXPECT_GE(squid_refused, 4);  // the oracle answered at all
  EXPECT_EQ(squid_ka, "HTTP/1.1 200 OK +ka");
  EXPECT_EQ(copas_ka, "HTTP/1.1 200 OK +ka");
}
