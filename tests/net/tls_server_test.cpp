// A TLS server's handshakes: the deadline counted from the accept (a silent client, half a
// ClientHello), quiet failures (one log line, counted, the handler never runs), the TLS 1.2
// floor whatever OPENSSL_CONF allows, and contexts reloaded while serving (tls_server and
// copas-echo's SIGHUP).
#include "child_process.hpp"
#include "net_test.hpp"
#include "tls_certs.hpp"
#include "tls_peer.hpp"

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace copas;
using copas::test::background_child;
using copas::test::child_stdio;
using copas::test::client_params;
using copas::test::NetTest;
using copas::test::pki;
using copas::test::port_of;
using copas::test::s_server;
using copas::test::stopwatch;

namespace {

// The first flight of a real TLS client (its ClientHello record), made with memory BIOs.
std::string client_hello() {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(ctx);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl, in, out);
  SSL_set_connect_state(ssl);
  SSL_do_handshake(ssl);
  char* p = nullptr;
  long n = BIO_get_mem_data(out, &p);
  std::string hello(p, static_cast<std::size_t>(n));
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  return hello;
}

// A TLS server whose failed handshakes are logged into `log`; `ran` counts handler calls.
struct quiet_server {
  copas::socket sock = copas::test::listener();
  std::vector<std::string> log;
  int ran = 0;

  explicit quiet_server(std::optional<double> deadline) {
    addserver(sock,
              handler([this](copas::socket) { ++ran; },
                      ssl_params{.wrap = copas::test::server_params(pki().localhost)},
                      handler_options{.handshake_timeout = deadline,
                                      .log = [this](std::string_view l) { log.emplace_back(l); }}),
              std::nullopt, "tls");
  }
  ~quiet_server() { removeserver(sock); }
};

// Connects a plain TCP client to `srv`, sends `first`, and waits for the server to cut it.
// Returns the seconds from before the connect (so before the accept) to the cut.
double cut_after(quiet_server& srv, const std::string& first) {
  auto c = tcp();
  c.settimeout(30);
  stopwatch w;
  EXPECT_TRUE(c.connect("127.0.0.1", port_of(srv.sock)));
  if (!first.empty()) {
    EXPECT_TRUE(c.send(first));
  }
  auto r = c.receive(1);
  EXPECT_EQ(r.error().message(), "closed");  // cut by the server, not by our own timeout
  double took = w.elapsed();
  auto me = c.getsockname().value();
  c.close();
  while (srv.log.empty()) copas::pause(0.01);
  EXPECT_EQ(srv.log.size(), 1u);
  EXPECT_EQ(srv.log.front(), "tls:client_1: TLS handshake with 127.0.0.1:" +
                                 std::to_string(me.port) + " failed: timeout");
  return took;
}

}  // namespace

TEST_F(NetTest, ServerHandshakeDeadlineCutsASilentClient) {
  pki();
  loop([] {
    auto before = copas::status().failed_handshakes;
    quiet_server srv(1.0);
    double took = cut_after(srv, "");
    // Not before the deadline (1 s after the accept, which follows the connect); well before
    // the 10 s default, which is not what cut it.
    EXPECT_GE(took, 1.0);
    EXPECT_LT(took, 8.0);
    EXPECT_EQ(srv.ran, 0);
    EXPECT_EQ(copas::status().failed_handshakes, before + 1);
  });
}

TEST_F(NetTest, ServerHandshakeDeadlineCutsAHalfClientHello) {
  pki();
  loop([] {
    auto before = copas::status().failed_handshakes;
    quiet_server srv(1.0);
    auto hello = client_hello();
    ASSERT_GT(hello.size(), 100u);
    double took = cut_after(srv, hello.substr(0, hello.size() / 2));
    EXPECT_GE(took, 1.0);
    EXPECT_LT(took, 8.0);
    EXPECT_EQ(srv.ran, 0);
    EXPECT_EQ(copas::status().failed_handshakes, before + 1);
  });
}

TEST_F(NetTest, ServerHandshakeDeadlineDefaultsToTenSeconds) {
  EXPECT_EQ(handler_options{}.handshake_timeout, 10.0);
}

TEST_F(NetTest, FailedServerHandshakeIsOneLogLineAndNoHandler) {
  pki();
  loop([] {
    auto before = copas::status().failed_handshakes;
    quiet_server srv(10.0);
    auto c = tcp();
    c.settimeout(10);
    ASSERT_TRUE(c.connect("127.0.0.1", port_of(srv.sock)));
    c.send("GET / HTTP/1.0\r\n\r\n");  // not TLS at all
    EXPECT_EQ(c.receive(1).error().message(), "closed");
    auto me = c.getsockname().value();
    c.close();
    while (srv.log.empty()) copas::pause(0.01);
    ASSERT_EQ(srv.log.size(), 1u);
    EXPECT_EQ(srv.log.front(), "tls:client_1: TLS handshake with 127.0.0.1:" +
                                   std::to_string(me.port) + " failed: http request");
    EXPECT_EQ(srv.ran, 0);
    EXPECT_EQ(copas::status().failed_handshakes, before + 1);
    // A good client after it is served as usual.
    auto good = wrap(tcp(), ssl_params{.wrap = client_params()});
    good.settimeout(10);
    ASSERT_TRUE(good.connect("localhost", port_of(srv.sock)));
    good.close();
    while (srv.ran == 0) copas::pause(0.01);
    EXPECT_EQ(srv.log.size(), 1u);
  });
}

namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/copas-tls-test-XXXXXX";
  return mkdtemp(tmpl);
}

void copy_file(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

// An OpenSSL configuration that lets TLS 1.0 through: what copas-cpp's floor must override.
std::string permissive_conf(const std::string& dir) {
  std::string path = dir + "/openssl.cnf";
  std::ofstream(path)
      << "openssl_conf = default_conf\n"
         "[default_conf]\nssl_conf = ssl_sect\n"
         "[ssl_sect]\nsystem_default = system_default_sect\n"
         "[system_default_sect]\nMinProtocol = TLSv1\nCipherString = DEFAULT@SECLEVEL=0\n";
  return path;
}

// copas-echo as a child (stdout and stderr on `proc.io`), serving TLS.
struct echo_child {
  background_child proc;
  std::uint16_t port = 0;
  echo_child(const std::string& env, const std::string& cert, const std::string& key,
             const std::string& extra = "")
      : proc({"sh", "-c",
              "exec " + env + " " COPAS_ECHO_BIN " --listen 127.0.0.1:0 --tls-cert " + cert +
                  " --tls-key " + key + " " + extra + " 2>&1"},
             child_stdio::socket) {
    proc.io.settimeout(10);
    auto banner = proc.io.receive().value();  // "listening on 127.0.0.1:PORT (tls)"
    auto colon = banner.rfind(':');
    port = static_cast<std::uint16_t>(std::stoi(banner.substr(colon + 1)));
  }
};

// s_client with `version` ("-tls1" ...) under `conf`: its exit code (0: the handshake succeeded).
int s_client(const std::string& conf, std::uint16_t port, const std::string& version) {
  auto r = copas::test::run_child({"env", "OPENSSL_CONF=" + conf, "openssl", "s_client", "-connect",
                                   "127.0.0.1:" + std::to_string(port), version, "-CAfile",
                                   pki().ca, "-verify_return_error", "-brief"});
  return r.exit_code;
}

}  // namespace

TEST_F(NetTest, Tls10And11RefusedUnderAPermissiveOpensslConf) {
  pki();
  loop([] {
    auto dir = temp_dir();
    auto conf = permissive_conf(dir);
    {  // The configuration does let TLS 1.0 and 1.1 through: OpenSSL's own server accepts them.
      s_server plain("-naccept 2", "env OPENSSL_CONF=" + conf);
      EXPECT_EQ(s_client(conf, plain.port, "-tls1"), 0);
      EXPECT_EQ(s_client(conf, plain.port, "-tls1_1"), 0);
      plain.proc.stop();
    }
    echo_child echo("env OPENSSL_CONF=" + conf, pki().localhost.cert, pki().localhost.key);
    EXPECT_NE(s_client(conf, echo.port, "-tls1"), 0);
    EXPECT_NE(s_client(conf, echo.port, "-tls1_1"), 0);
    EXPECT_EQ(s_client(conf, echo.port, "-tls1_2"), 0);
    EXPECT_EQ(s_client(conf, echo.port, "-tls1_3"), 0);
    echo.proc.stop();
    std::filesystem::remove_all(dir);
  });
}

TEST_F(NetTest, ClientAnyIsTls12OrLaterButTls1CanBeAskedFor) {
  pki();
  loop([] {
    s_server srv("-tls1_1 -cipher DEFAULT@SECLEVEL=0 -naccept 2");
    auto any = wrap(tcp(), ssl_params{.wrap = client_params()});
    any.settimeout(10);
    try {
      any.connect("localhost", srv.port);
      ADD_FAILURE() << "a TLS 1.1-only server was accepted under protocol \"any\"";
    } catch (const copas::system_error& e) {
      EXPECT_EQ(std::string(e.what()), "TLS/SSL handshake failed: tlsv1 alert protocol version");
    }
    tls_params old = client_params();
    old.protocol = "tlsv1_1";
    auto asked = wrap(tcp(), ssl_params{.wrap = old});
    asked.settimeout(10);
    ASSERT_TRUE(asked.connect("localhost", srv.port));
    asked.close();
    srv.proc.stop();
  });
}

TEST_F(NetTest, TlsServerReloadSwapsTheCertificateForNewConnections) {
  pki();
  loop([] {
    auto server = copas::test::listener();
    tls_server tls(ssl_params{.wrap = copas::test::server_params(pki().localhost)});
    addserver(server, handler(
                          [](copas::socket c) {
                            while (auto l = c.receive()) c.send(*l + "\n");
                          },
                          tls));
    auto connect_as = [&](const char* name) -> std::string {
      ssl_params p{.wrap = client_params()};
      p.sni.emplace().names = std::string(name);
      auto c = wrap(tcp(), std::move(p));
      c.settimeout(10);
      try {
        c.connect("127.0.0.1", port_of(server));
      } catch (const copas::system_error& e) {
        return e.what();
      }
      c.send("x\n");
      auto r = c.receive();
      c.close();
      return r ? *r : r.error().message();
    };
    EXPECT_EQ(connect_as("localhost"), "x");
    // Open across the reload: keeps its session.
    auto kept = wrap(tcp(), ssl_params{.wrap = client_params()});
    kept.settimeout(10);
    ASSERT_TRUE(kept.connect("localhost", port_of(server)));
    auto bad = tls.reload(ssl_params{.wrap = tls_params{.mode = "server",
                                                        .certificate = "/nonexistent.pem",
                                                        .key = pki().myhost.key}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message().rfind("error loading certificate", 0), 0u)
        << bad.error().message();
    EXPECT_EQ(connect_as("localhost"), "x");  // a failed reload changed nothing
    ASSERT_TRUE(tls.reload(ssl_params{.wrap = copas::test::server_params(pki().myhost)}));
    EXPECT_EQ(connect_as("myhost.com"), "x");
    EXPECT_EQ(connect_as("localhost"),
              "TLS/SSL handshake failed: certificate verify failed: hostname mismatch");
    kept.send("still\n");
    EXPECT_EQ(kept.receive().value(), "still");
    kept.close();
    removeserver(server);
  });
}

TEST_F(NetTest, CopasEchoReloadsItsCertificateOnSighup) {
  pki();
  loop([] {
    auto dir = temp_dir();
    copy_file(pki().localhost.cert, dir + "/cert.pem");
    copy_file(pki().localhost.key, dir + "/key.pem");
    echo_child echo("", dir + "/cert.pem", dir + "/key.pem", "--handshake-timeout 5");
    auto verify_localhost = [&]() -> std::string {
      auto c = wrap(tcp(), ssl_params{.wrap = client_params()});
      c.settimeout(10);
      if (auto ok = c.connect("localhost", echo.port); !ok) return ok.error().message();
      c.send("x\n");
      auto r = c.receive();
      c.close();
      return r ? *r : r.error().message();
    };
    auto failing = [&]() -> std::string {
      try {
        return verify_localhost();
      } catch (const copas::system_error& e) {
        return e.what();
      }
    };
    EXPECT_EQ(failing(), "x");
    copy_file(pki().myhost.cert, dir + "/cert.pem");
    copy_file(pki().myhost.key, dir + "/key.pem");
    EXPECT_EQ(failing(), "x");  // no reload yet: the old certificate is still served
    ::kill(echo.proc.pid(), SIGHUP);
    EXPECT_EQ(echo.proc.io.receive().value(), "copas-echo: reloaded TLS certificate");
    EXPECT_EQ(failing(), "TLS/SSL handshake failed: certificate verify failed: hostname mismatch");
    // A silent client is cut at the --handshake-timeout, with one line on stderr.
    auto silent = tcp();
    silent.settimeout(30);
    stopwatch w;
    ASSERT_TRUE(silent.connect("127.0.0.1", echo.port));
    EXPECT_EQ(silent.receive(1).error().message(), "closed");
    EXPECT_GE(w.elapsed(), 5.0);
    auto port = silent.getsockname().value().port;
    silent.close();
    auto lines = echo.proc.io.receive().value();
    // (the failed verification above was the client's: the server logs that one too)
    if (lines.find("127.0.0.1:" + std::to_string(port)) == std::string::npos)
      lines = echo.proc.io.receive().value();
    EXPECT_EQ(lines, "echo:client_4: TLS handshake with 127.0.0.1:" + std::to_string(port) +
                         " failed: timeout");
    echo.proc.stop();
    std::filesystem::remove_all(dir);
  });
}

// SIGUSR1 reaches every serving thread (each prints its own fibers) without their polling for
// it, and the echo goes on; SIGTERM then ends every thread and the process exits 0.
TEST_F(NetTest, CopasEchoPrintsEveryThreadsFibersOnSigusr1AndStopsOnSigterm) {
  pki();
  loop([] {
    echo_child echo("", pki().localhost.cert, pki().localhost.key, "--threads 2");
    ::kill(echo.proc.pid(), SIGUSR1);
    int tables = 0, acceptors = 0;
    while (tables < 2) {
      auto line = echo.proc.io.receive();
      ASSERT_TRUE(line) << line.error().message() << " after " << tables << " tables";
      if (line->starts_with("echo:accept ")) ++acceptors;
      if (line->ends_with(" fibers")) ++tables;
    }
    EXPECT_EQ(acceptors, 2);  // one table per thread, each with its own acceptor
    auto c = wrap(tcp(), ssl_params{.wrap = client_params()});
    c.settimeout(10);
    ASSERT_TRUE(c.connect("localhost", echo.port));
    c.send("still here\n");
    EXPECT_EQ(c.receive().value_or_partial(), "still here");
    c.close();
    EXPECT_EQ(echo.proc.stop(SIGTERM), 0);
  });
}

// Bad arguments exit 2 with the reason on stderr, as the man page says (not CLI11's own codes).
TEST_F(NetTest, CopasEchoBadArgumentsExitTwoAndSayWhy) {
  copas::test::child_result missing, no_key, bad_listen;
  loop([&] {
    missing = copas::test::run_child({COPAS_ECHO_BIN});
    no_key =
        copas::test::run_child({COPAS_ECHO_BIN, "--listen", "127.0.0.1:0", "--tls-cert", pki().ca});
    bad_listen = copas::test::run_child({COPAS_ECHO_BIN, "--listen", "nocolon"});
  });
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--listen is required"), std::string::npos) << missing.err;
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.err.find("--tls-cert requires --tls-key"), std::string::npos) << no_key.err;
  EXPECT_EQ(bad_listen.exit_code, 2);
  EXPECT_EQ(bad_listen.err, "copas-echo: bad --listen 'nocolon': expected HOST:PORT\n");
}
