// Bounded receive (receive_limits.hpp): a line or "*a" past its limit is "line too long" /
// "data too long" with exactly the limit's worth of data, and every later byte stays readable,
// over plain TCP and TLS.
#include "net_test.hpp"
#include "tls_certs.hpp"

#include <string>
#include <system_error>

using namespace copas;
using copas::test::NetTest;
using copas::test::pki;
using copas::test::port_of;

namespace {

// A server on 127.0.0.1 that sends `data` to its one client, then closes; returns the listener.
// With `tls`, the server speaks TLS with the test PKI's localhost certificate.
copas::socket sender(std::string data, bool tls = false) {
  auto server = copas::test::listener();
  std::optional<ssl_params> params;
  if (tls) params = ssl_params{.wrap = copas::test::server_params(pki().localhost)};
  addserver(server, handler(
                        [server, data](copas::socket c) {
                          removeserver(server);
                          c.send(data);
                        },
                        params));
  return server;
}

copas::socket client_of(const copas::socket& server, bool tls = false) {
  std::optional<ssl_params> params;
  if (tls) params = ssl_params{.wrap = copas::test::client_params()};
  auto s = wrap(tcp(), params);
  s.settimeout(5);
  EXPECT_TRUE(s.connect(tls ? "localhost" : "127.0.0.1", port_of(server)));
  return s;
}

void expect_too_long(const receive_result& r, const char* message, const std::string& partial) {
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), message);
  EXPECT_TRUE(r.error() == std::errc::message_size);
  EXPECT_EQ(r.partial(), partial);
}

// The line-limit scenario, shared by TCP and TLS: limit 8; lines of 8 bytes (CRs not counted)
// pass, a 12-byte line fails with its first 8 bytes and the next call reads the other 4.
void line_limit_scenario(bool tls) {
  auto server = sender("12345678\n1234\r\r5678\r\nabcdefghijkl\nnext\n", tls);
  auto s = client_of(server, tls);
  s.set_receive_limits({.line = 8});
  EXPECT_EQ(s.receive().value(), "12345678");
  EXPECT_EQ(s.receive().value(), "12345678");
  expect_too_long(s.receive(), "line too long", "abcdefgh");
  EXPECT_EQ(s.receive().value(), "ijkl");  // nothing lost: the rest of the line
  EXPECT_EQ(s.receive().value(), "next");
  s.close();
}

}  // namespace

TEST_F(NetTest, DefaultLimitsAreOneMebibytePerLineAndNoneForAll) {
  auto s = tcp();
  EXPECT_EQ(s.get_receive_limits().line, 1024u * 1024u);
  EXPECT_FALSE(s.get_receive_limits().all.has_value());
  s.close();
}

TEST_F(NetTest, LinePastTheLimitIsTooLongAndTheRestStaysReadable) {
  loop([] { line_limit_scenario(false); });
}

TEST_F(NetTest, LinePastTheLimitOverTls) {
  pki();
  loop([] { line_limit_scenario(true); });
}

TEST_F(NetTest, DefaultLineLimitStopsAnEndlessLine) {
  loop([] {
    const std::size_t mib = 1024 * 1024;
    auto server = sender(std::string(mib + 100, 'x') + "\n");
    auto s = client_of(server);
    expect_too_long(s.receive(), "line too long", std::string(mib, 'x'));
    EXPECT_EQ(s.receive().value(), std::string(100, 'x'));
    s.close();
  });
}

TEST_F(NetTest, APrefixAtTheLimitStillEndsALineButOneLongerFailsAtOnce) {
  loop([] {
    auto server = sender("\nabc\n");
    auto s = client_of(server);
    s.set_receive_limits({.line = 4});
    EXPECT_EQ(s.receive(line, "1234").value(), "1234");
    expect_too_long(s.receive(line, "12345"), "line too long", "12345");
    EXPECT_EQ(s.receive().value(), "abc");  // the failed call read nothing
    s.close();
  });
}

TEST_F(NetTest, AllPastItsLimitIsDataTooLongAndTheRestStaysReadable) {
  loop([] {
    auto server = sender("0123456789abcdef");
    auto s = client_of(server);
    s.set_receive_limits({.all = 10});
    expect_too_long(s.receive(all), "data too long", "0123456789");
    auto rest = s.receive(all);
    EXPECT_EQ(rest.value_or_partial(), "abcdef");
    s.close();
  });
}

TEST_F(NetTest, AllOfExactlyTheLimitIsNotTooLong) {
  loop([] {
    auto server = sender("0123456789");
    auto s = client_of(server);
    s.set_receive_limits({.all = 10});
    auto r = s.receive(all);
    if (!r) {
      EXPECT_EQ(r.error().message(), "closed");  // Copas's "*a": closed with the data
    }
    EXPECT_EQ(r.value_or_partial(), "0123456789");
    s.close();
  });
}

TEST_F(NetTest, CountsAreNotLimited) {
  loop([] {
    auto server = sender(std::string(100, 'y'));
    auto s = client_of(server);
    s.set_receive_limits({.line = 4, .all = 4});
    EXPECT_EQ(s.receive(100).value(), std::string(100, 'y'));
    s.close();
  });
}

TEST_F(NetTest, ReceivepartialStopsAtTheLimitToo) {
  loop([] {
    auto server = sender("aaaaaaaaaaaaaaaaaaaa");
    auto s = client_of(server);
    s.set_receive_limits({.line = 5});
    copas::pause(0.1);  // everything buffered: one call reaches the limit
    expect_too_long(s.receivepartial(line), "line too long", "aaaaa");
    s.close();
  });
}

TEST_F(NetTest, AcceptedClientsInheritTheListenerLimits) {
  loop([] {
    auto server = copas::test::listener();
    server.set_receive_limits({.line = 3, .all = 7});
    receive_limits seen;
    receive_result got{"unset"};
    addserver(server, [&](copas::socket c) {
      removeserver(server);
      seen = c.get_receive_limits();
      got = c.receive();
    });
    auto s = client_of(server);
    s.send("abcd\n");
    copas::pause(0.1);
    EXPECT_EQ(seen, (receive_limits{.line = 3, .all = 7}));
    expect_too_long(got, "line too long", "abc");
    s.close();
  });
}

namespace {

// In-place reading (socket::buffered_or_fill / consume), shared by TCP and TLS: the view grows
// to the whole message, consumed bytes are gone for receive(), the rest is still there.
void in_place_scenario(bool tls) {
  auto server = sender("hello\nworld", tls);
  auto s = client_of(server, tls);
  std::string_view v;
  while (v.find('\n') == std::string_view::npos) {
    auto got = s.buffered_or_fill(true);
    ASSERT_TRUE(got) << got.error().message();
    v = *got;
  }
  EXPECT_EQ(v.substr(0, 6), "hello\n");
  s.consume(6);
  auto rest = s.receive(copas::all);
  EXPECT_EQ(rest.value_or_partial(), "world");
  EXPECT_EQ(s.buffered_or_fill().error().message(), "closed");
  s.close();
}

}  // namespace

TEST_F(NetTest, InPlaceReadSeesTheBufferAndConsumeDropsBytes) {
  loop([] { in_place_scenario(false); });
}

TEST_F(NetTest, InPlaceReadOverTls) {
  pki();
  loop([] { in_place_scenario(true); });
}

namespace {

// socket.hpp's promise: a buffered_or_fill() view survives a send() that waits and a close() by
// another fiber during that wait (an echo or a relay sends straight from it). The server sends
// `data`, then reads nothing (until woken at the end), so the client's 64 MiB send fills both
// socket buffers and parks until the closer fiber closes the client. Under ASan the receive
// buffer is its own new[]: a view freed or moved under the send would be reported.
void view_survives_send_and_close_scenario(bool tls) {
  const std::string data(1000, 'v');
  auto server = copas::test::listener();
  std::optional<ssl_params> params;
  if (tls) params = ssl_params{.wrap = copas::test::server_params(pki().localhost)};
  auto server_fiber = std::make_shared<std::optional<copas::thread>>();
  addserver(server, handler(
                        [server, data, server_fiber](copas::socket c) {
                          removeserver(server);
                          *server_fiber = running_thread();
                          c.send(data);
                          pauseforever();
                        },
                        params));
  auto s = client_of(server, tls);
  std::string_view view;
  while (view.size() < data.size()) {
    auto got = s.buffered_or_fill(true);
    ASSERT_TRUE(got) << got.error().message();
    view = *got;
  }
  addthread([s]() mutable {
    pause(0.2);
    s.close();
  });
  const std::string big(64 << 20, 'b');
  s.settimeout(30);
  auto sent = s.send(big);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().message(), "closed");
  EXPECT_LT(sent.partial(), big.size());  // it was waiting, part-way, when the close came
  EXPECT_EQ(view, data);
  s.consume(view.size());
  ASSERT_TRUE(server_fiber->has_value());
  wakeup(**server_fiber);
}

}  // namespace

TEST_F(NetTest, InPlaceViewSurvivesAWaitingSendAndAClose) {
  loop([] { view_survives_send_and_close_scenario(false); });
}

TEST_F(NetTest, InPlaceViewSurvivesAWaitingSendAndACloseOverTls) {
  pki();
  loop([] { view_survives_send_and_close_scenario(true); });
}

TEST_F(NetTest, InPlaceReadStopsAtMaxBufferedAndLosesNothing) {
  loop([] {
    const std::string data(200 * 1024, 'x');
    auto server = sender(data);
    auto s = client_of(server);
    EXPECT_EQ(s.max_buffered(), 1024u * 1024u);
    s.set_receive_limits({.line = 8});
    ASSERT_EQ(s.max_buffered(), 64u * 1024u);  // at least one socket read
    result<std::string_view> got = std::string_view{};
    std::size_t seen = 0;
    while ((got = s.buffered_or_fill(true))) seen = got->size();
    EXPECT_EQ(got.error().message(), "data too long");
    EXPECT_TRUE(got.error() == std::errc::message_size);
    EXPECT_GE(seen, s.max_buffered());
    EXPECT_EQ(s.receive(receive_pattern(data.size())).value(), data);
    s.close();
  });
}
