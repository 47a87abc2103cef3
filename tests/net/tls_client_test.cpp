// A TLS client against openssl s_server: client certificates (TLS 1.2 and 1.3) and their two
// distinct failures, session resumption (s_server reports the reuse), user-built contexts, the
// context cache seeing a replaced CA file, and SIGPIPE never raised by a TLS write.
#include "child_process.hpp"
#include "net_test.hpp"
#include "tls_certs.hpp"
#include "tls_peer.hpp"

#include <csignal>
#include <filesystem>
#include <string>

using namespace copas;
using copas::test::client_params;
using copas::test::NetTest;
using copas::test::pki;
using copas::test::port_of;
using copas::test::s_server;

namespace {

tls_params with_client_cert() {
  tls_params p = client_params();
  p.certificate = pki().client.cert;
  p.key = pki().client.key;
  return p;
}

// s_server requiring a client certificate signed by the test CA.
std::string verify_server(const char* version) {
  return std::string(version) + " -Verify 1 -verify_return_error -CAfile " + pki().ca;
}

}  // namespace

TEST_F(NetTest, ClientCertificateAcceptedByAServerThatRequiresOne) {
  pki();
  for (const char* version : {"-tls1_2", "-tls1_3"}) {
    SCOPED_TRACE(version);
    loop([version] {
      s_server srv(verify_server(version));
      auto c = wrap(tcp(), ssl_params{.wrap = with_client_cert()});
      c.settimeout(10);
      ASSERT_TRUE(c.connect("localhost", srv.port));
      c.send("with a certificate\n");
      EXPECT_EQ(srv.until("with a certificate"), "with a certificate");
      srv.proc.io.send("hello client\n");
      EXPECT_EQ(c.receive().value(), "hello client");
      c.close();
      srv.proc.stop();
    });
  }
}

TEST_F(NetTest, MissingClientCertificateIsCertificateRejected) {
  pki();
  loop([] {
    {  // TLS 1.2: the server's alert ends the handshake.
      s_server srv(verify_server("-tls1_2"));
      auto c = wrap(tcp());
      c.settimeout(10);
      ASSERT_TRUE(c.connect("localhost", srv.port));
      auto ok = c.handshake(ssl_params{.wrap = client_params()});
      ASSERT_FALSE(ok);
      EXPECT_TRUE(ok.error() == errc::certificate_rejected) << ok.error().message();
      EXPECT_EQ(ok.error().message(), "TLS/SSL handshake failed: sslv3 alert handshake failure");
      EXPECT_EQ(c.getfd(), -1);
      srv.proc.stop();
    }
    {  // TLS 1.3: the client's handshake ends first; the verdict comes with the first read.
      s_server srv(verify_server("-tls1_3"));
      auto c = wrap(tcp(), ssl_params{.wrap = client_params()});
      c.settimeout(10);
      ASSERT_TRUE(c.connect("localhost", srv.port));
      auto r = c.receive();
      ASSERT_FALSE(r);
      EXPECT_TRUE(r.error() == errc::certificate_rejected) << r.error().message();
      EXPECT_EQ(r.error().message(), "tlsv13 alert certificate required");
      c.close();
      srv.proc.stop();
    }
  });
}

TEST_F(NetTest, UntrustedClientCertificateIsCertificateRejected) {
  pki();
  loop([] {
    s_server srv(verify_server("-tls1_2"));
    tls_params p = client_params();
    p.certificate = pki().self_signed.cert;  // not signed by the CA s_server trusts
    p.key = pki().self_signed.key;
    auto c = wrap(tcp());
    c.settimeout(10);
    ASSERT_TRUE(c.connect("localhost", srv.port));
    auto ok = c.handshake(ssl_params{.wrap = p});
    ASSERT_FALSE(ok);
    EXPECT_TRUE(ok.error() == errc::certificate_rejected) << ok.error().message();
    srv.proc.stop();
  });
}

TEST_F(NetTest, ClientCertificateThatCannotBeLoadedIsLocalCertificate) {
  pki();
  loop([] {
    s_server srv(verify_server("-tls1_3"));
    auto attempt = [&](tls_params p) {
      auto c = wrap(tcp());
      c.settimeout(10);
      EXPECT_TRUE(c.connect("localhost", srv.port));
      auto ok = c.handshake(ssl_params{.wrap = p});
      EXPECT_FALSE(ok);
      c.close();
      return ok ? error() : ok.error();
    };
    tls_params missing = with_client_cert();
    missing.certificate = "/nonexistent/client.pem";
    auto e = attempt(missing);
    EXPECT_TRUE(e == errc::local_certificate) << e.message();
    EXPECT_EQ(e.message().rfind("error loading certificate (", 0), 0u) << e.message();
    tls_params mismatched = with_client_cert();
    mismatched.key = pki().myhost.key;
    e = attempt(mismatched);
    EXPECT_TRUE(e == errc::local_certificate) << e.message();
    EXPECT_EQ(e.message(), "private key does not match public key");
    srv.proc.stop();
  });
}

TEST_F(NetTest, SessionsAreResumedAndSServerReportsTheReuse) {
  pki();
  // TLS 1.3 tickets, TLS 1.2 tickets, TLS 1.2 session IDs.
  for (const char* version : {"-tls1_3", "-tls1_2", "-tls1_2 -no_ticket"}) {
    SCOPED_TRACE(version);
    loop([version] {
      s_server srv(version);
      auto once = [&](const std::string& line) {
        auto c = wrap(tcp(), ssl_params{.wrap = client_params()});
        c.settimeout(10);
        EXPECT_TRUE(c.connect("localhost", srv.port));
        c.send(line + "\n");
        srv.until(line);
        srv.proc.io.send("reply\n");
        EXPECT_EQ(c.receive().value(), "reply");  // also reads any TLS 1.3 tickets
        bool reused = c.session_reused();
        c.close();
        srv.until("DONE");
        return reused;
      };
      EXPECT_FALSE(once("first"));
      EXPECT_EQ(srv.count("Reused session-id"), 0u) << srv.seen;
      EXPECT_TRUE(once("second"));
      EXPECT_EQ(srv.count("Reused session-id"), 1u) << srv.seen;
      srv.proc.stop();
    });
  }
}

TEST_F(NetTest, UserBuiltContextIsUsedAndNotRecompiled) {
  pki();
  loop([] {
    s_server srv("-tls1_3");
    auto ctx = tls_context::create(client_params());
    for (int i = 0; i < 2; ++i) {
      auto c = wrap(tcp(), ssl_params{.context = ctx});
      c.settimeout(10);
      ASSERT_TRUE(c.connect("localhost", srv.port));
      c.send("line\n");
      srv.until("line");
      srv.proc.io.send("reply\n");
      EXPECT_EQ(c.receive().value(), "reply");
      EXPECT_EQ(c.session_reused(), i == 1);  // sessions are kept per context too
      c.close();
      srv.until("DONE");
    }
    srv.proc.stop();
  });
}

TEST_F(NetTest, ContextCacheSeesAReplacedCaFile) {
  pki();
  loop([] {
    s_server srv("-naccept 2");
    char tmpl[] = "/tmp/copas-tls-ca-XXXXXX";
    std::string dir = mkdtemp(tmpl);
    std::string ca = dir + "/ca.pem";
    namespace fs = std::filesystem;
    fs::copy_file(pki().self_signed.cert, ca);  // trusts the wrong certificate
    auto connect_with = [&] {
      tls_params p = client_params();
      p.cafile = ca;
      auto c = wrap(tcp());
      c.settimeout(10);
      EXPECT_TRUE(c.connect("localhost", srv.port));
      auto ok = c.handshake(ssl_params{.wrap = p});
      c.close();
      return ok ? std::string("ok") : ok.error().message();
    };
    EXPECT_EQ(connect_with(),
              "TLS/SSL handshake failed: certificate verify failed: unable to get local issuer "
              "certificate");
    fs::copy_file(pki().ca, ca, fs::copy_options::overwrite_existing);
    EXPECT_EQ(connect_with(), "ok");
    srv.proc.stop();
    fs::remove_all(dir);
  });
}

TEST_F(NetTest, TlsWriteToAResetPeerRaisesNoSigpipe) {
  pki();
  auto old = std::signal(SIGPIPE, SIG_DFL);  // a TLS write must not need it ignored
  loop([] {
    auto server = copas::test::listener();
    addserver(server, handler(
                          [server](copas::socket c) {
                            removeserver(server);
                            linger_option hard{.on = true, .timeout = 0};
                            c.setoption("linger", hard);
                            c.close();  // RST
                          },
                          ssl_params{.wrap = copas::test::server_params(pki().localhost)}));
    auto c = wrap(tcp(), ssl_params{.wrap = client_params()});
    c.settimeout(10);
    ASSERT_TRUE(c.connect("localhost", port_of(server)));
    std::string block(16 * 1024, 'x');
    send_result sent = c.send(block);
    for (int i = 0; i < 100 && sent; ++i) {
      copas::pause(0.01);
      sent = c.send(block);
    }
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error().message(), "closed");
    c.close();
  });
  std::signal(SIGPIPE, old);
}
