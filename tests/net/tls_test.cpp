// TLS: handshakes through wrap/connect and handler, verification by default, SNI, timeouts, and
// real OpenSSL peers (s_server, s_client) (net.md §6, tests.md 1.7).
#include "child_process.hpp"
#include "net_test.hpp"
#include "tls_certs.hpp"

#include <string>

using namespace copas;
using copas::test::client_params;
using copas::test::NetTest;
using copas::test::pki;
using copas::test::port_of;
using copas::test::server_params;
using copas::test::stopwatch;

namespace {

// A TLS echo server (one line per connection); returns its port.
std::uint16_t tls_echo(copas::socket server, ssl_params params) {
  addserver(server, handler(
                        [](copas::socket c) {
                          while (auto l = c.receive()) c.send(*l + "\n");
                        },
                        std::move(params)));
  return port_of(server);
}

std::string handshake_error(const char* host, std::uint16_t port, tls_params client) {
  auto c = wrap(tcp(), ssl_params{.wrap = std::move(client)});
  c.settimeout(5);
  try {
    c.connect(host, port);
  } catch (const copas::system_error& e) {
    EXPECT_EQ(c.getfd(), -1);  // a failed handshake leaves no plain-text socket behind
    return e.what();
  }
  c.close();
  return "connected";
}

}  // namespace

TEST_F(NetTest, TlsEchoVerifiesChainAndHostName) {
  pki();
  loop([] {
    auto server = copas::test::listener();
    auto port = tls_echo(server, {.wrap = server_params(pki().localhost)});
    for (const char* host : {"localhost", "127.0.0.1"}) {
      auto c = wrap(tcp(), ssl_params{.wrap = client_params()});
      ASSERT_TRUE(c.connect(host, port));
      EXPECT_TRUE(c.is_tls());
      EXPECT_EQ(c.send("hello tls\n").value(), 10u);
      EXPECT_EQ(c.receive().value(), "hello tls");
      c.close();
    }
    removeserver(server);
  });
}

TEST_F(NetTest, TlsOverIPv6) {
  pki();
  loop([] {
    auto server = copas::test::listener("::1");
    auto port = tls_echo(server, {.wrap = server_params(pki().localhost)});
    auto c = wrap(tcp(), ssl_params{.wrap = client_params()});
    ASSERT_TRUE(c.connect("::1", port));
    c.send("v6\n");
    EXPECT_EQ(c.receive().value(), "v6");
    c.close();
    removeserver(server);
  });
}

TEST_F(NetTest, TlsRefusesUntrustedWrongNameAndExpiredCertificates) {  // TLS4
  pki();
  loop([] {
    struct row {
      copas::test::cert_files cert;
      const char* host;
      tls_params client;
      const char* expected;
    };
    std::vector<row> rows = {
        {pki().localhost,
         "localhost",
         {.mode = "client"},  // system store only
         "TLS/SSL handshake failed: certificate verify failed: unable to get local issuer "
         "certificate"},
        {pki().myhost, "localhost", client_params(),
         "TLS/SSL handshake failed: certificate verify failed: hostname mismatch"},
        {pki().expired, "localhost", client_params(),
         "TLS/SSL handshake failed: certificate verify failed: certificate has expired"},
        {pki().self_signed, "localhost", client_params(),
         "TLS/SSL handshake failed: certificate verify failed: self-signed certificate"},
        {pki().self_signed, "localhost", {.mode = "client", .verify = {"none"}}, "connected"},
        {pki().myhost, "127.0.0.1", {.mode = "client", .verify = {"none"}}, "connected"},
    };
    for (auto& r : rows) {
      auto server = copas::test::listener();
      auto port = tls_echo(server, {.wrap = server_params(r.cert)});
      EXPECT_EQ(handshake_error(r.host, port, r.client), r.expected) << r.cert.cert;
      removeserver(server);
    }
  });
}

TEST_F(NetTest, StrictSniRefusesUnknownNames) {  // TLS1, TLS2
  pki();
  loop([] {
    auto server = copas::test::listener();
    ssl_params params{.wrap = tls_params{.mode = "server",
                                         .certificate = pki().localhost.cert,
                                         .key = pki().localhost.key,
                                         .cafile = pki().ca,
                                         .verify = {"peer", "fail_if_no_peer_cert"}},
                      .sni = sni_params{.names =
                                            std::map<std::string, tls_params>{
                                                {"myhost.com",
                                                 {.mode = "server",
                                                  .certificate = pki().myhost.cert,
                                                  .key = pki().myhost.key,
                                                  .cafile = pki().ca,
                                                  .verify = {"peer", "fail_if_no_peer_cert"}}}},
                                        .strict = true}};
    std::string sniname;
    addserver(server, handler(
                          [&](copas::socket c) {
                            sniname = c.getsniname().value();
                            while (auto l = c.receive()) {
                              if (*l == "exit") removeserver(server);
                              c.send(*l + "\n");
                            }
                          },
                          params));
    auto client = [](const char* name) {
      tls_params p = client_params();
      p.certificate = pki().client.cert;
      p.key = pki().client.key;
      return ssl_params{.wrap = p, .sni = sni_params{.names = std::string(name)}};
    };
    auto bad = wrap(tcp(), client("badhost.com"));
    try {
      bad.connect("127.0.0.1", port_of(server));
      ADD_FAILURE() << "connected with an unknown SNI name";
    } catch (const copas::system_error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("TLS/SSL handshake failed:", 0), 0u) << e.what();
    }
    auto good = wrap(tcp(), client("myhost.com"));
    ASSERT_TRUE(good.connect("127.0.0.1", port_of(server)));
    good.send("hello world\n");
    EXPECT_EQ(good.receive().value(), "hello world");
    EXPECT_EQ(sniname, "myhost.com");
    good.send("exit\n");
    good.receive();
    good.close();
  });
}

TEST_F(NetTest, HandshakeTimeoutThrowsAndNeverFallsBackToPlainText) {  // TLS3
  pki();
  loop([] {
    auto silent = copas::test::listener();
    auto c = wrap(tcp(), ssl_params{.wrap = client_params()});
    c.settimeout(0.2);
    stopwatch w;
    try {
      c.connect("127.0.0.1", port_of(silent));
      ADD_FAILURE() << "handshake with a silent peer succeeded";
    } catch (const copas::system_error& e) {
      EXPECT_STREQ(e.what(), "TLS/SSL handshake failed: timeout");
      EXPECT_TRUE(e.code() == errc::handshake_failed);
    }
    EXPECT_GE(w.elapsed(), 0.2);
    EXPECT_LT(w.elapsed(), 0.25);
    EXPECT_EQ(c.send("secret").error().message(), "closed");
    silent.close();
  });
}

TEST_F(NetTest, DoHandshakeWithoutParametersThrows) {
  loop([] {
    auto l = copas::test::listener();
    auto c = wrap(tcp());
    ASSERT_TRUE(c.connect("127.0.0.1", port_of(l)));
    try {
      c.dohandshake();
      ADD_FAILURE();
    } catch (const std::invalid_argument& e) {
      EXPECT_STREQ(e.what(),
                   "cannot wrap socket into a secure socket (using 'ssl.wrap()') without "
                   "parameters/context");
    }
    c.close();
    l.close();
  });
}

TEST_F(NetTest, BadParametersGiveLuaSecMessages) {
  EXPECT_THROW(tls_context::create({.mode = "both"}), std::invalid_argument);
  auto msg = [](tls_params p) {
    try {
      tls_context::create(p);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("ok");
  };
  EXPECT_EQ(msg({.mode = "both"}), "invalid mode (both)");
  EXPECT_EQ(msg({.mode = "client", .protocol = "sslv3"}), "invalid protocol (sslv3)");
  EXPECT_EQ(msg({.mode = "client", .verify = {"sometimes"}}), "invalid verify option (sometimes)");
  EXPECT_EQ(msg({.mode = "client", .options = {"no_magic"}}), "invalid option (no_magic)");
  EXPECT_EQ(msg({.mode = "server", .certificate = pki().localhost.cert, .key = pki().myhost.key}),
            "private key does not match public key");
  EXPECT_EQ(msg({.mode = "client", .protocol = "tlsv1_2", .options = {"all", "no_sslv3"}}), "ok");
}

TEST_F(NetTest, AgainstOpensslSServer) {
  pki();
  loop([] {
    copas::test::background_child srv({"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert",
                                       pki().localhost.cert, "-key", pki().localhost.key, "-rev"},
                                      copas::test::child_stdio::socket);
    srv.io.settimeout(10);
    std::string banner;
    while (banner.rfind("ACCEPT", 0) != 0) {
      auto l = srv.io.receive();
      ASSERT_TRUE(l) << l.error().message();
      banner = *l;
    }
    auto port = static_cast<std::uint16_t>(std::stoi(banner.substr(banner.rfind(':') + 1)));
    auto c = wrap(tcp(), ssl_params{.wrap = client_params()});
    c.settimeout(10);
    ASSERT_TRUE(c.connect("localhost", port));
    c.send("hello\n");
    EXPECT_EQ(c.receive().value(), "olleh");
    c.close();
    srv.stop();
  });
}

TEST_F(NetTest, AgainstOpensslSClient) {
  pki();
  loop([] {
    auto server = copas::test::listener();
    auto port = tls_echo(server, {.wrap = server_params(pki().localhost)});
    copas::test::background_child cli(
        {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port), "-CAfile",
         pki().ca, "-verify_return_error", "-verify_hostname", "localhost", "-servername",
         "localhost", "-quiet"},
        copas::test::child_stdio::socket);
    cli.io.settimeout(10);
    cli.io.send("from s_client\n");
    auto r = cli.io.receive();
    EXPECT_EQ(r.value_or_partial(), "from s_client");
    cli.stop();
    removeserver(server);
  });
}

TEST_F(NetTest, LargeTransferOverTls) {
  pki();
  loop([] {
    const receive_limits big_lines{.line = 4 * 1024 * 1024};  // past the 1 MiB default
    auto server = copas::test::listener();
    server.set_receive_limits(big_lines);  // inherited by the accepted client
    auto port = tls_echo(server, {.wrap = server_params(pki().localhost)});
    auto c = wrap(tcp(), ssl_params{.wrap = client_params()});
    c.set_receive_limits(big_lines);
    ASSERT_TRUE(c.connect("localhost", port));
    std::string big(3'000'000, 'x');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    addthread([c, big]() mutable { c.send(big + "\n"); });
    EXPECT_EQ(c.receive().value(), big);
    c.close();
    removeserver(server);
  });
}
