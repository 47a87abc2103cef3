// copas-proxy under load: thousands of concurrent connections (idle ones, a stalled reader and
// busy clients) on one process, each served by its own fiber, so no connection waits for another.
#include "child_process.hpp"
#include "http_test.hpp"
#include "nginx_server.hpp"

#include <sys/resource.h>

#include <memory>
#include <string>
#include <vector>

using namespace copas;
using namespace copas::test;

namespace {

constexpr int idle_clients = 2000;

// The test holds its own idle_clients sockets; the proxy holds twice that for busy ones.
bool raise_fd_limit(rlim_t wanted) {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return false;
  if (r.rlim_cur >= wanted) return true;
  if (r.rlim_max < wanted) return false;
  r.rlim_cur = wanted;
  return ::setrlimit(RLIMIT_NOFILE, &r) == 0;
}

}  // namespace

TEST(ProxyLoad, ThousandsOfIdleClientsAndAStalledReaderDoNotStallBusyOnes) {
  if (!raise_fd_limit(3 * idle_clients + 512))
    GTEST_FAIL() << "RLIMIT_NOFILE hard limit too low for " << idle_clients << " clients";
  nginx_server nginx(pki().cert, pki().key);
  nginx.put_file("big.bin", std::string(32 << 20, 'x'));
  auto port = pick_port();
  background_child proxy(
      {COPAS_PROXY_BIN, "--listen", "127.0.0.1:" + std::to_string(port), "--grace", "1"});
  ASSERT_TRUE(wait_for_port(port));
  const std::string origin = "http://localhost:" + std::to_string(nginx.http_port());
  const std::string via = "http://127.0.0.1:" + std::to_string(port);

  loop([&] {
    // Idle clients: connected, half of them in the middle of a request head.
    std::vector<copas::socket> idle;
    for (int i = 0; i < idle_clients; ++i) {
      auto s = copas::wrap(copas::tcp());
      ASSERT_TRUE(s.connect("127.0.0.1", port)) << "idle client " << i;
      if (i % 2) {
        ASSERT_TRUE(s.send("GET " + origin + "/index.html HTTP/1.1\r\nHost: loc"));
      }
      idle.push_back(s);
    }
    // A stalled reader: asks for 32 MiB and never reads, so the proxy's writes to it block.
    auto stalled = copas::wrap(copas::tcp());
    ASSERT_TRUE(stalled.connect("127.0.0.1", port));
    ASSERT_TRUE(stalled.send("GET " + origin + "/big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n"));
    copas::pause(0.2);

    // Busy clients: 50 fibers, 10 requests each, all through the same proxy.
    int ok = 0, failed = 0;
    std::string first_error;
    for (int f = 0; f < 50; ++f)
      copas::addthread([&] {
        for (int i = 0; i < 10; ++i) {
          http::request_params p;
          p.url = origin + "/index.html";
          p.proxy = via;
          p.timeout = 5;
          std::vector<std::string> out;
          p.sink = ltn12::sink::table(out);
          auto r = http::request(std::move(p));
          if (r && r->code == 200 && out.size() == 1 &&
              out[0] == "<html>copas-cpp test page</html>\n")
            ++ok;
          else if (++failed == 1)
            first_error = r ? r->status : r.error().message();
        }
      });
    auto start = clock::now();
    while (ok + failed < 500 && clock::now() - start < std::chrono::seconds(60)) copas::pause(0.05);
    EXPECT_EQ(ok, 500) << failed << " failed, first: " << first_error;

    // The idle ones were kept all along: the half-sent heads complete and get their answers.
    for (int i : {1, 999, idle_clients - 1}) {
      ASSERT_TRUE(idle[i].send("alhost\r\nConnection: close\r\n\r\n"));
      idle[i].settimeout(5);
      auto status = idle[i].receive();
      ASSERT_TRUE(status) << "idle client " << i << ": " << status.error().message();
      EXPECT_EQ(*status, "HTTP/1.1 200 OK");
    }
    for (auto& s : idle) s.close();
    stalled.close();
    http::pool::clear();
  });
  EXPECT_EQ(proxy.stop(), 0);
}
