// Name resolution through evdns against a fake DNS server on 127.0.0.1: answers, NXDOMAIN and
// silence. No test queries the system resolver.
#include "net_test.hpp"

#include <algorithm>
#include <cctype>
#include <string>

using namespace copas;
using copas::test::NetTest;
using copas::test::port_of;
using copas::test::stopwatch;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Answers A queries for good.test with 127.0.0.1, NXDOMAIN for missing.test, nothing for
// silent.test. Runs until the socket is closed.
copas::socket fake_dns() {
  auto s = udp();
  EXPECT_TRUE(s.setsockname("127.0.0.1", 0));
  addthread([s]() mutable {
    for (;;) {
      auto q = s.receivefrom(512);
      if (!q || q->data.size() < 12) return;
      const std::string& m = q->data;
      std::string name;
      std::size_t pos = 12;
      while (pos < m.size() && m[pos] != 0) {
        auto len = static_cast<unsigned char>(m[pos]);
        if (!name.empty()) name += '.';
        name += m.substr(pos + 1, len);
        pos += 1 + len;
      }
      std::size_t qend = pos + 5;  // the zero label, QTYPE, QCLASS
      if (qend > m.size()) continue;
      int qtype = (static_cast<unsigned char>(m[pos + 1]) << 8) | static_cast<unsigned char>(m[pos + 2]);
      name = lower(name);
      if (name == "silent.test") continue;
      std::string r = m.substr(0, qend);
      r[2] = static_cast<char>(0x84 | (m[2] & 0x01));  // QR, AA, RD copied
      r[3] = static_cast<char>(0x80 | (name == "good.test" ? 0 : 3));  // RA, NOERROR / NXDOMAIN
      r[6] = r[7] = r[8] = r[9] = r[10] = r[11] = 0;
      if (name == "good.test" && qtype == 1) {
        r[7] = 1;
        r += std::string("\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x7f\x00\x00\x01", 16);
      }
      s.sendto(r, q->ip, q->port);
    }
  });
  return s;
}

}  // namespace

TEST_F(NetTest, ResolvesThroughTheConfiguredNameserver) {
  loop([] {
    auto dns_server = fake_dns();
    dns::set_nameservers({"127.0.0.1:" + std::to_string(port_of(dns_server))});
    auto r = dns::resolve("good.test");
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r, std::vector<std::string>{"127.0.0.1"});
    // connect() resolves the same way.
    auto l = copas::test::listener();
    auto c = wrap(tcp());
    EXPECT_TRUE(c.connect("good.test", port_of(l)));
    c.close();
    l.close();
    dns_server.close();
    dns::set_nameservers({});
  });
}

TEST_F(NetTest, NxdomainNamesTheHost) {
  loop([] {
    auto dns_server = fake_dns();
    dns::set_nameservers({"127.0.0.1:" + std::to_string(port_of(dns_server))});
    auto r = dns::resolve("missing.test");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "host not found: missing.test");
    EXPECT_TRUE(r.error() == errc::host_not_found);
    auto c = wrap(tcp());
    EXPECT_EQ(c.connect("missing.test", 80).error().message(), "host not found: missing.test");
    c.close();
    dns_server.close();
    dns::set_nameservers({});
  });
}

TEST_F(NetTest, ASilentNameserverHitsTheLookupDeadlineWhileOthersRun) {
  int ticks = 0;
  bool done = false;
  loop([&] {
    auto dns_server = fake_dns();
    dns::set_nameservers({"127.0.0.1:" + std::to_string(port_of(dns_server))});
    dns::set_timeout(0.3);
    addthread([&] {
      while (!done) {
        copas::pause(0.01);
        ++ticks;
      }
    });
    stopwatch w;
    auto r = dns::resolve("silent.test");
    done = true;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "temporary failure in name resolution: silent.test");
    EXPECT_GE(w.elapsed(), 0.3);
    EXPECT_LT(w.elapsed(), 0.35);
    EXPECT_GE(ticks, 15);  // the loop kept running while the fiber waited
    dns_server.close();
    dns::set_nameservers({});
    dns::set_timeout(5);
  });
}

TEST_F(NetTest, NumericAndLocalhostNeedNoQuery) {
  loop([] {
    dns::set_nameservers({"127.0.0.1:9"});  // nothing listens: a query would fail
    EXPECT_EQ(dns::resolve("10.1.2.3").value(), std::vector<std::string>{"10.1.2.3"});
    EXPECT_EQ(dns::resolve("::1").value(), std::vector<std::string>{"::1"});
    EXPECT_EQ(dns::resolve("localhost").value(), (std::vector<std::string>{"127.0.0.1", "::1"}));
    dns::set_nameservers({});
  });
}
