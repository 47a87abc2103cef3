// copas-proxy (forward and --reverse) between real clients and nginx as the origin: ab -k with
// HTTP/1.0 keep-alive, wget and Python's http.client through the forward proxy (absolute-form
// and a CONNECT tunnel to nginx's TLS port), curl through the reverse proxy.
#include "child_process.hpp"
#include "http_test.hpp"
#include "nginx_server.hpp"

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

  static std::pair<std::unique_ptr<background_child>, std::uint16_t> start(std::vector<std::string> more = {}) {
    auto port = pick_port();
    std::vector<std::string> argv = {COPAS_PROXY_BIN, "--listen", "127.0.0.1:" + std::to_string(port), "--grace", "1"};
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
    r = run_child({"ab", "-k", "-s", "10", "-n", "300", "-c", "4", "-X", "127.0.0.1:" + std::to_string(port), origin()});
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
        "p = http.client.HTTPConnection('127.0.0.1', " + std::to_string(port) + ")\n"
        "out = []\n"
        "for i in range(3):\n"
        "    p.request('GET', '" + origin() + "'); r = p.getresponse(); out.append(str(r.status) + ' ' + r.read().decode().strip())\n"
        "p.request('POST', '" + origin() + "', body=iter([b'ab']), encode_chunked=True,\n"
        "          headers={'Transfer-Encoding': 'chunked'}); r = p.getresponse(); r.read(); out.append(str(r.status))\n"
        "ctx = ssl.create_default_context(cafile='" + pki().ca + "')\n"
        "t = http.client.HTTPSConnection('127.0.0.1', " + std::to_string(port) + ", context=ctx)\n"
        "t.set_tunnel('localhost', " + std::to_string(nginx_->https_port()) + ")\n"
        "t.request('GET', '/index.html'); r = t.getresponse(); out.append('tls ' + str(r.status) + ' ' + r.read().decode().strip())\n"
        "print('|'.join(out))\n";
    r = run_child({"/usr/bin/python3", "-c", script});
  });
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "200 <html>copas-cpp test page</html>|200 <html>copas-cpp test page</html>|"
            "200 <html>copas-cpp test page</html>|405|tls 200 <html>copas-cpp test page</html>\n");
}

TEST_F(ProxyPeers, CurlThroughTheReverseProxyReusesItsConnection) {
  auto [proxy, port] = start({"--reverse", "http://127.0.0.1:" + std::to_string(nginx_->http_port())});
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
