// Copas's module-level calls (free_functions.hpp): copas::send(skt, ...), copas::receive(skt, ...)
// and friends reach the socket members, results and errors included.
#include "net_test.hpp"

#include <set>
#include <string>
#include <unordered_set>

using copas::test::NetTest;
using copas::test::port_of;

TEST_F(NetTest, FreeFunctionsDriveATcpExchange) {
  copas::loop([] {
    auto server = copas::test::listener();
    copas::addserver(server, copas::handler([server](copas::socket c) {
                       copas::removeserver(server);
                       while (auto l = copas::receive(c)) copas::send(c, *l + "\n");
                     }));
    auto s = copas::wrap(copas::tcp());
    EXPECT_TRUE(copas::settimeout(s, 5));
    EXPECT_EQ(s.gettimeouts().receive, 5.0);
    EXPECT_TRUE(copas::settimeouts(s, std::nullopt, 2, std::nullopt));
    EXPECT_EQ(s.gettimeouts().send, 2.0);
    EXPECT_EQ(s.gettimeouts().connect, 5.0);
    ASSERT_TRUE(copas::connect(s, "127.0.0.1", port_of(server)));
    EXPECT_EQ(copas::connect(s, "127.0.0.1", port_of(server)).error().message(),
              "already connected");
    EXPECT_EQ(copas::send(s, "xhello\n", 2).value(), 7u);
    EXPECT_EQ(copas::receive(s).value(), "hello");
    EXPECT_EQ(copas::send(s, "abc\n").value(), 4u);
    auto r = copas::receivepartial(s, copas::all);  // returns with the first bytes that came
    EXPECT_EQ(r.error().message(), "timeout");
    EXPECT_EQ(r.value_or_partial(), "abc\n");
    copas::flush(s);
    EXPECT_TRUE(copas::close(s));
    EXPECT_EQ(copas::receive(s, 1).error().message(), "closed");
  });
}

TEST_F(NetTest, FreeFunctionsDriveUdp) {
  copas::loop([] {
    auto peer = copas::udp();
    ASSERT_TRUE(peer.setsockname("127.0.0.1", 0));
    auto c = copas::udp();
    copas::settimeout(c, std::chrono::milliseconds(20));
    EXPECT_EQ(copas::sendto(c, "ping", "127.0.0.1", port_of(peer)).value(), 4u);
    auto d = copas::receivefrom(peer).value();
    EXPECT_EQ(d.data, "ping");
    EXPECT_EQ(copas::receivefrom(c).error().message(), "timeout");
    copas::close(c);
    copas::close(peer);
  });
}

// Handles compare by identity: the copies of one handle are one key in a std::set and an
// std::unordered_set (as copas-echo keeps the connections it closes on shutdown), and a socket
// stays in them until erased, whatever its state.
TEST(SocketIdentity, HandlesOfOneSocketAreOneKey) {
  copas::socket a = copas::tcp(), b = copas::tcp();
  copas::socket a_again = a;
  EXPECT_EQ(a, a_again);
  EXPECT_NE(a, b);
  EXPECT_TRUE(a < b || b < a);
  std::set<copas::socket> ordered{a, b, a_again};
  std::unordered_set<copas::socket> hashed{a, b, a_again};
  EXPECT_EQ(ordered.size(), 2u);
  EXPECT_EQ(hashed.size(), 2u);
  a.close();
  EXPECT_EQ(ordered.count(a_again), 1u);
  EXPECT_EQ(hashed.count(a_again), 1u);
  ordered.erase(a_again);
  hashed.erase(a_again);
  EXPECT_EQ(ordered.count(a), 0u);
  EXPECT_EQ(hashed.count(a), 0u);
  EXPECT_EQ(*ordered.begin(), b);
}
