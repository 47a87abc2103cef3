// UDP: receive / receivefrom / send / sendto with timeouts (tests.md N7, N8; LuaSocket udp tests).
#include "net_test.hpp"

#include <string>

using namespace copas;
using copas::test::NetTest;
using copas::test::port_of;
using copas::test::stopwatch;

namespace {
// A UDP echo peer that answers `count` datagrams then ends.
copas::socket udp_echo(const char* host, int count) {
  auto peer = udp();
  EXPECT_TRUE(peer.setsockname(host, 0));
  addthread([peer, count]() mutable {
    for (int i = 0; i < count; ++i) {
      auto d = peer.receivefrom();
      if (!d) return;
      peer.sendto(d->data, d->ip, d->port);
    }
  });
  return peer;
}
}  // namespace

TEST_F(NetTest, ConnectedUdpEchoThenTimeout) {  // N7
  loop([] {
    auto peer = udp_echo("127.0.0.1", 1);
    auto c = wrap(udp());
    c.settimeout(0.01);
    ASSERT_TRUE(c.setpeername("127.0.0.1", port_of(peer)));
    EXPECT_EQ(c.send("foo").value(), 3u);
    EXPECT_EQ(c.receive().value(), "foo");
    stopwatch w;
    EXPECT_EQ(c.receive().error().message(), "timeout");
    EXPECT_GE(w.elapsed(), 0.01);
    EXPECT_LT(w.elapsed(), 0.06);
    EXPECT_TRUE(c.close());  // wrapped UDP: a no-op
    EXPECT_GE(c.getfd(), 0);
    peer.close();  // not wrapped: really closes
    EXPECT_EQ(peer.getfd(), -1);
  });
}

TEST_F(NetTest, SendtoReceivefromThenTimeout) {  // N8
  loop([] {
    auto peer = udp_echo("127.0.0.1", 1);
    auto c = udp();
    c.settimeout(0.01);
    EXPECT_EQ(c.sendto("foo", "127.0.0.1", port_of(peer)).value(), 3u);
    auto d = c.receivefrom().value();
    EXPECT_EQ(d.data, "foo");
    EXPECT_EQ(d.ip, "127.0.0.1");
    EXPECT_EQ(d.port, port_of(peer));
    EXPECT_EQ(c.receivefrom().error().message(), "timeout");
    c.close();
    peer.close();
  });
}

TEST_F(NetTest, ZeroLengthDatagramIsEmptyNotClosed) {
  loop([] {
    auto a = udp();
    ASSERT_TRUE(a.setsockname("127.0.0.1", 0));
    auto b = udp();
    ASSERT_TRUE(b.setpeername("127.0.0.1", port_of(a)));
    EXPECT_EQ(b.send("").value(), 0u);
    auto r = a.receive();
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(*r, "");
    a.close();
    b.close();
  });
}

TEST_F(NetTest, DatagramTruncatedToTheSizeAsked) {
  loop([] {
    auto a = udp();
    ASSERT_TRUE(a.setsockname("127.0.0.1", 0));
    auto b = udp();
    b.sendto("0123456789", "127.0.0.1", port_of(a));
    EXPECT_EQ(a.receive(4).value(), "0123");
    a.close();
    b.close();
  });
}

TEST_F(NetTest, UdpOverIPv6) {
  loop([] {
    auto peer = udp_echo("::1", 1);
    auto c = udp();
    c.settimeout(1);
    EXPECT_EQ(c.sendto("six", "::1", port_of(peer)).value(), 3u);
    auto d = c.receivefrom().value();
    EXPECT_EQ(d.data, "six");
    EXPECT_EQ(d.ip, "::1");
    c.close();
    peer.close();
  });
}

TEST_F(NetTest, SendtoNeedsANumericAddress) {
  auto c = udp();
  EXPECT_EQ(c.sendto("x", "localhost", 9).error().message(), "host not found: localhost");
  c.close();
}

TEST_F(NetTest, UdpServerGetsOneNamedHandler) {
  loop([] {
    auto s = udp();
    ASSERT_TRUE(s.setsockname("127.0.0.1", 0));
    std::string name;
    addserver(
        wrap(s),
        [&](copas::socket sock) {
          name = getthreadname();
          auto d = sock.receivefrom().value();
          sock.sendto(d.data + "!", d.ip, d.port);
        },
        std::nullopt, "udpsrv");
    auto c = udp();
    c.settimeout(1);
    c.sendto("ping", "127.0.0.1", port_of(s));
    EXPECT_EQ(c.receive().value(), "ping!");
    EXPECT_EQ(name, "udpsrv:handler");
    EXPECT_TRUE(removeserver(s));  // wrapped UDP: close is a no-op
    c.close();
  });
}
