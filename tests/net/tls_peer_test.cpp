// TLS against real OpenSSL peers, beyond the handshake: close() sends close_notify (s_client
// exits cleanly, s_server says "DONE"; a connection cut without it is told apart), and a TLS 1.2
// renegotiation that s_server starts in the middle of a session (accepted by default; refused,
// with a clear error, under the "no_renegotiation" option).
#include "tls_peer.hpp"
#include "child_process.hpp"
#include "net_test.hpp"
#include "tls_certs.hpp"

#include <sys/socket.h>
#include <sys/wait.h>

#include <string>

using namespace copas;
using copas::test::background_child;
using copas::test::child_stdio;
using copas::test::client_params;
using copas::test::NetTest;
using copas::test::pki;
using copas::test::port_of;
using copas::test::s_server;

namespace {

// An s_client -quiet against a copas TLS server whose handler sends "bye" and then ends the
// connection with `finish`. Returns s_client's exit status.
template <class Finish>
int s_client_exit_after(Finish finish) {
  auto server = copas::test::listener();
  addserver(server, handler(
                        [server, finish](copas::socket c) {
                          removeserver(server);
                          c.send("bye\n");
                          finish(c);
                        },
                        ssl_params{.wrap = copas::test::server_params(pki().localhost)}));
  background_child cli(
      {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port_of(server)), "-CAfile",
       pki().ca, "-verify_return_error", "-quiet"},
      child_stdio::socket);
  cli.io.settimeout(10);
  EXPECT_EQ(cli.io.receive().value(), "bye");
  EXPECT_EQ(cli.io.receive().error().message(), "closed");  // s_client exited
  return cli.stop();
}

}  // namespace

TEST_F(NetTest, CloseSendsCloseNotifySoSClientExitsCleanly) {
  pki();
  loop([] {
    int status = s_client_exit_after([](copas::socket c) { c.close(); });
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  });
}

TEST_F(NetTest, SClientTellsACutConnectionFromACloseNotify) {  // the check above can fail
  pki();
  loop([] {
    int status = s_client_exit_after([](copas::socket c) {
      ::shutdown(c.getfd(), SHUT_RDWR);  // the close_notify cannot go out any more
      c.close();
    });
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << status;
  });
}

TEST_F(NetTest, CloseSendsCloseNotifySoSServerSaysDone) {
  pki();
  loop([] {
    s_server srv("");
    ASSERT_NE(srv.port, 0);
    auto c = wrap(tcp(), ssl_params{.wrap = client_params()});
    c.settimeout(10);
    ASSERT_TRUE(c.connect("localhost", srv.port));
    c.send("hello\n");
    srv.until("hello");
    c.close();
    auto last = srv.until("DONE");
    EXPECT_EQ(srv.count("ERROR"), 0u) << srv.seen;
    EXPECT_EQ(last, "DONE");
    srv.proc.stop();
  });
}

TEST_F(NetTest, ServerInitiatedTls12RenegotiationMidSession) {
  pki();
  loop([] {
    s_server srv("-tls1_2 -state");
    ASSERT_NE(srv.port, 0);
    auto c = wrap(tcp(), ssl_params{.wrap = client_params()});
    c.settimeout(10);
    ASSERT_TRUE(c.connect("localhost", srv.port));
    c.send("before\n");
    srv.until("before");
    EXPECT_EQ(srv.count("read client hello"), 1u);
    receive_result got{""};
    bool done = false;
    addthread([&] {
      got = c.receive();  // processes the HelloRequest and the new handshake, then the data
      done = true;
    });
    srv.proc.io.send("r\n");  // s_server's command: renegotiate
    srv.until("SSL_do_handshake -> 1");
    EXPECT_EQ(srv.count("read client hello"), 2u) << srv.seen;
    srv.proc.io.send("after renegotiation\n");
    while (!done) copas::pause(0.01);
    EXPECT_EQ(got.value(), "after renegotiation");
    c.send("still there\n");
    srv.until("still there");
    c.close();
    EXPECT_EQ(srv.until("DONE"), "DONE");
    srv.proc.stop();
  });
}

// With LuaSec's "no_renegotiation" option the client refuses; OpenSSL's server then ends the
// session with a fatal alert, which the pending receive reports by its OpenSSL reason.
TEST_F(NetTest, RefusedRenegotiationIsAClearError) {
  pki();
  loop([] {
    s_server srv("-tls1_2");
    ASSERT_NE(srv.port, 0);
    tls_params p = client_params();
    p.options = {"no_renegotiation"};
    auto c = wrap(tcp(), ssl_params{.wrap = p});
    c.settimeout(10);
    ASSERT_TRUE(c.connect("localhost", srv.port));
    c.send("before\n");
    srv.until("before");
    receive_result got{""};
    bool done = false;
    addthread([&] {
      got = c.receive();
      done = true;
    });
    srv.proc.io.send("r\n");
    while (!done) copas::pause(0.01);
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message(), "sslv3 alert handshake failure") << srv.seen;
    EXPECT_TRUE(got.error() == errc::protocol_error);
    c.close();
    srv.proc.stop();
  });
}
