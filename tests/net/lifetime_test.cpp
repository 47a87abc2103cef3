// Lifetimes of waiting calls (issue 18): a fiber parked on a socket keeps the socket's state
// alive, and dropping the last handle closes the socket and wakes every waiter with Copas's
// "closed" (as close() does, Copas #104). Each path runs under ASan in CI: before the fix, the
// reader case was a heap-use-after-free in the wait and, without ASan, a loop that never ended.
#include "net_test.hpp"
#include "tls_certs.hpp"

#include <fake_dns_server.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <csignal>

#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace copas;
using copas::test::NetTest;
using copas::test::port_of;
using copas::test::stopwatch;

namespace {

// What the fibers share: the only handle on the socket under test.
struct holder {
  copas::socket sock;
};

// A connected pair: `client` connected to a one-connection server whose accepted socket is
// handed to `peer`.
struct pair {
  copas::socket client;
  copas::socket peer;
};

pair connected_pair() {
  pair p;
  auto server = copas::test::listener();
  p.client = wrap(tcp());
  EXPECT_TRUE(p.client.connect("127.0.0.1", port_of(server)));
  for (int i = 0; i < 100 && !p.peer; ++i) {
    auto c = server.accept();
    if (c)
      p.peer = *c;
    else
      copas::pause(0.01);
  }
  EXPECT_TRUE(p.peer) << "no connection accepted";
  server.close();
  return p;
}

// Drops the shared handle once `waiting` says the other fiber is parked.
void drop_when(holder& h, const std::function<bool()>& waiting) {
  for (int i = 0; i < 500 && !waiting(); ++i) copas::pause(0.01);
  EXPECT_TRUE(waiting()) << "the waiter never parked";
  h.sock = copas::socket();
}

}  // namespace

TEST_F(NetTest, DroppingTheLastHandleWakesAReaderWithClosed) {
  std::string why;
  loop([&] {
    auto p = connected_pair();
    auto h = std::make_shared<holder>(holder{p.client});
    p.client = copas::socket();
    bool parked = false;
    addthread([&, h] {
      parked = true;
      auto r = h->sock.receive();
      why = r ? "data" : r.error().message();
    });
    drop_when(*h, [&] { return parked; });
    h.reset();
    p.peer.close();
  });
  EXPECT_EQ(why, "closed");
}

TEST_F(NetTest, DroppingTheLastHandleWakesAWriterWithClosedAndWhatWasSent) {
  std::string why;
  std::size_t sent = 0;
  loop([&] {
    auto p = connected_pair();
    p.client.setoption("send-buffer-size", 4096);
    auto h = std::make_shared<holder>(holder{p.client});
    p.client = copas::socket();
    bool started = false;
    addthread([&, h] {
      started = true;
      auto r = h->sock.send(std::string(8 << 20, 'x'));  // the peer never reads: it blocks
      why = r ? "sent" : r.error().message();
      sent = r.value_or_partial();
    });
    drop_when(*h, [&] { return started && status().write > 0; });
    h.reset();
    p.peer.close();
  });
  EXPECT_EQ(why, "closed");
  EXPECT_GT(sent, 0u);
  EXPECT_LT(sent, std::size_t{8 << 20});
}

TEST_F(NetTest, DroppingTheLastHandleWakesAConnectWithClosed) {
  std::string why;
  loop([&] {
    // A listener with a full accept queue: Linux drops further SYNs, so a connect stays in
    // progress (its SYN is retransmitted for seconds).
    auto full = copas::test::listener("127.0.0.1", 0);
    auto port = port_of(full);
    std::vector<int> fillers;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < 8; ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      (void)::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
      fillers.push_back(fd);
    }
    copas::pause(0.05);
    auto h = std::make_shared<holder>(holder{wrap(tcp())});
    bool started = false;
    addthread([&, h] {
      started = true;
      auto r = h->sock.connect("127.0.0.1", port);
      why = r ? "connected" : r.error().message();
    });
    drop_when(*h, [&] { return started && status().write > 0; });
    h.reset();
    for (int fd : fillers) ::close(fd);
    full.close();
  });
  EXPECT_EQ(why, "closed");
}

TEST_F(NetTest, DroppingTheLastHandleWakesAnAcceptWithClosed) {
  std::string why;
  loop([&] {
    auto h = std::make_shared<holder>(holder{copas::test::listener()});
    bool started = false;
    addthread([&, h] {
      started = true;
      auto r = h->sock.accept(clock::time_point::max());
      why = r ? "accepted" : r.error().message();
    });
    drop_when(*h, [&] { return started && status().read > 0; });
    h.reset();
  });
  EXPECT_EQ(why, "closed");
}

TEST_F(NetTest, AcceptWithADeadlineWaitsForAConnectionOrTimesOut) {
  loop([] {
    auto server = copas::test::listener();
    stopwatch w;
    auto none = server.accept(deadline_after(0.05));
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().message(), "timeout");
    EXPECT_GE(w.elapsed(), 0.05);
    copas::socket client;
    addthread([&] {
      copas::pause(0.02);
      client = wrap(tcp());
      EXPECT_TRUE(client.connect("127.0.0.1", port_of(server)));
    });
    auto c = server.accept(deadline_after(30));
    ASSERT_TRUE(c) << c.error().message();
    EXPECT_TRUE(c->getpeername());
    c->close();
    client.close();
    server.close();
  });
}

TEST_F(NetTest, DroppingTheLastHandleDuringATlsHandshakeFailsItWithClosed) {
  copas::test::pki();
  std::string why;
  loop([&] {
    auto silent = copas::test::listener();  // accepts (in the kernel) and never answers
    auto h = std::make_shared<holder>(
        holder{wrap(tcp(), ssl_params{.wrap = copas::test::client_params()})});
    bool started = false;
    addthread([&, h] {
      started = true;
      try {
        auto r = h->sock.connect("127.0.0.1", port_of(silent));
        why = r ? "connected" : r.error().message();
      } catch (const copas::system_error& e) {
        why = e.what();
      }
    });
    drop_when(*h, [&] { return started && status().read > 0; });
    h.reset();
    silent.close();
  });
  EXPECT_EQ(why, "TLS/SSL handshake failed: closed");
}

TEST_F(NetTest, DroppingTheLastHandleDuringTheConnectsLookupEndsItWithClosed) {
  std::string why;
  double took = 0;
  loop([&] {
    copas::test::fake_dns_zone zone{.silent = {"silent.test"}};
    auto ns = copas::test::fake_dns(zone);
    dns::set_nameservers({copas::test::nameserver_address(ns)});
    dns::set_timeout(30);
    auto h = std::make_shared<holder>(holder{wrap(tcp())});
    addthread([&, h] {
      stopwatch w;
      auto r = h->sock.connect("silent.test", 80);
      why = r ? "connected" : r.error().message();
      took = w.elapsed();
    });
    drop_when(*h, [&] { return *zone.queries > 0; });
    h.reset();
    while (why.empty()) copas::pause(0.01);
    ns.close();
    dns::set_nameservers({});
    dns::set_timeout(5);
  });
  EXPECT_EQ(why, "closed");
  EXPECT_LT(took, 10.0);  // woken by the close, not by the 30 s lookup deadline
}

// The dispatcher goes away (its thread ends) while fibers wait on a read, a write, a connect, an
// accept, a TLS handshake and a lookup, each on a socket whose only handle is in a shared record
// that outlives the fibers.
TEST_F(NetTest, ADispatcherDestroyedWithEveryKindOfWaitPending) {
  copas::test::pki();
  int parked = 0;
  std::thread t([&] {
    copas::test::fake_dns_zone zone{.silent = {"silent.test"}};
    auto ns = copas::test::fake_dns(zone);
    dns::set_nameservers({copas::test::nameserver_address(ns)});
    auto listening = std::make_shared<holder>(holder{copas::test::listener()});
    auto silent = std::make_shared<holder>(holder{copas::test::listener()});
    auto reader = std::make_shared<holder>();
    auto writer = std::make_shared<holder>();
    auto keep_peers = std::make_shared<std::vector<copas::socket>>();
    addthread([=] {
      auto p = connected_pair();
      reader->sock = p.client;
      keep_peers->push_back(p.peer);
      (void)reader->sock.receive();
    });
    addthread([=] {
      auto p = connected_pair();
      writer->sock = p.client;
      keep_peers->push_back(p.peer);
      (void)writer->sock.send(std::string(8 << 20, 'x'));
    });
    addthread([=] { (void)listening->sock.accept(clock::time_point::max()); });
    addthread([=] {
      auto s = std::make_shared<holder>(
          holder{wrap(tcp(), ssl_params{.wrap = copas::test::client_params()})});
      try {
        (void)s->sock.connect("127.0.0.1", port_of(silent->sock));
      } catch (const copas::system_error&) {
      }
    });
    addthread([] { (void)wrap(tcp()).connect("silent.test", 80); });
    for (int i = 0; i < 500; ++i) {
      copas::step(0.01);
      auto st = status();
      if (st.read >= 4 && st.write >= 1 && *zone.queries > 0) break;
    }
    auto st = status();
    parked = st.read + st.write;
    dns::set_nameservers({});
  });  // thread exit: every fiber is unwound, then the dispatcher goes
  t.join();
  EXPECT_GE(parked, 5);
}

namespace {
int sigpipes_seen = 0;
void count_sigpipe(int) { ++sigpipes_seen; }
}  // namespace

// Issue 18: plain sends use MSG_NOSIGNAL, and the library leaves the process's SIGPIPE
// disposition alone: an application's own handler stays installed and is never called.
TEST_F(NetTest, SendingToAPeerThatWentAwayIsAnErrorNotASignal) {
  struct sigaction ours {
  }, before{}, after{};
  ours.sa_handler = count_sigpipe;
  sigemptyset(&ours.sa_mask);
  ASSERT_EQ(sigaction(SIGPIPE, &ours, &before), 0);
  sigpipes_seen = 0;
  std::string why;
  loop([&] {
    auto p = connected_pair();
    p.peer.setoption("linger", linger_option{true, 0});
    p.peer.close();  // a reset: the next sends fail with EPIPE / ECONNRESET
    copas::pause(0.02);
    send_result r = send_result::success(0);
    for (int i = 0; i < 20 && r; ++i) r = p.client.send(std::string(64 * 1024, 'x'));
    why = r ? "sent" : r.error().message();
    p.client.close();
  });
  ASSERT_EQ(sigaction(SIGPIPE, &before, &after), 0);
  EXPECT_EQ(after.sa_handler, &count_sigpipe);
  EXPECT_EQ(sigpipes_seen, 0);
  EXPECT_NE(why, "sent");
}
