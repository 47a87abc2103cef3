// task_group cancellation at every suspension point beyond the core's own: sockets (receive,
// send, connect, accept), DNS, the TLS handshake, lock, semaphore, a timer's callback, queue,
// fiber futures, and http/ftp/smtp calls, each against a real loopback peer that stalls. Each
// member is unwound with its destructors run; wait() comes back within a round of the last one
// ending.
#include <copas/copas.hpp>

#include "../net/tls_certs.hpp"
#include "fake_dns_server.hpp"
#include "fd_count.hpp"
#include "ledger_report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "structured.hpp"

#include <any>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using copas::test::round_counter;
using copas::test::unwound;

// Runs `blocked` as the only member of a group, waits until it has parked (`parked` says so),
// cancels the group and checks the member unwound (destructors ran, nothing after the wait ran)
// and that wait() returned within two rounds of cancel(): one for the member to unwind, one for
// the waiter to run.
void expect_cancel_unwinds(const std::function<void()>& setup_and_block,
                           const std::function<bool()>& parked,
                           const std::function<void()>& teardown = {}) {
  bool destroyed = false, went_on = false;
  long cancelled_at = -1, resumed_at = -1;
  round_counter rc;
  copas::loop([&] {
    rc.start();
    struct stop_counter {
      round_counter& rc;
      ~stop_counter() { rc.stop = true; }
    } stop{rc};
    copas::task_group g;
    auto member = g.spawn({.name = "blocked member"}, [&] {
      unwound u{&destroyed};
      setup_and_block();
      went_on = true;
    });
    for (int i = 0; i < 2000 && !parked(); ++i) copas::pause(0.005);
    ASSERT_TRUE(parked()) << "the member never reached its suspension point";
    copas::pause(0.02);  // well inside the wait
    ASSERT_TRUE(member.alive());
    cancelled_at = rc.rounds;
    g.cancel();
    g.wait();
    resumed_at = rc.rounds;
    EXPECT_FALSE(member.alive());
    if (teardown) teardown();
  });
  EXPECT_TRUE(destroyed);
  EXPECT_FALSE(went_on);
  ASSERT_GE(cancelled_at, 0);
  EXPECT_LE(resumed_at - cancelled_at, 2);
}

// What status() says the fibers wait on, as a cheap "has it parked" probe.
bool any_reading() { return copas::status().read > 0; }
bool any_writing() { return copas::status().write > 0; }
bool any_inactive() { return copas::status().inactive > 0; }

std::uint16_t port_of(const copas::socket& s) { return s.getsockname().value().port; }

// The fiber of that name in a copas::fibers() snapshot, or null.
const copas::fiber_info* find_fiber(const std::vector<copas::fiber_info>& all,
                                    const std::string& name) {
  for (const auto& f : all)
    if (f.name == name) return &f;
  return nullptr;
}

// A listener nobody accepts on: the kernel completes connections, then the peer says nothing.
copas::socket silent_peer() { return copas::bind("127.0.0.1", 0, 32).value(); }

class CancelPoints : public ::testing::Test {
 protected:
  bool started = false;
  void SetUp() override {
    copas::dispatcher::current();
    fds_ = copas::test::open_fd_count();
  }
  void TearDown() override {
    EXPECT_EQ(copas::test::open_fd_count(), fds_) << "a cancelled member leaked a descriptor";
  }

 private:
  std::size_t fds_ = 0;
};

TEST_F(CancelPoints, SocketReceive) {
  copas::socket server, client;
  expect_cancel_unwinds(
      [&] {
        server = silent_peer();
        client = copas::tcp();
        client.connect("127.0.0.1", port_of(server)).value();
        (void)client.receive(copas::line);
      },
      any_reading);
  client.close();
  server.close();
}

TEST_F(CancelPoints, SocketSend) {
  copas::socket server, client;
  expect_cancel_unwinds(
      [&] {
        server = silent_peer();
        client = copas::tcp();
        client.connect("127.0.0.1", port_of(server)).value();
        std::string big(64 << 20, 'x');  // far more than both kernel buffers hold
        (void)client.send(big);
      },
      any_writing);
  client.close();
  server.close();
}

// A member blocked in a listener's accept, with no client ever coming.
TEST_F(CancelPoints, SocketAccept) {
  copas::socket server;
  expect_cancel_unwinds(
      [&] {
        server = copas::bind("127.0.0.1", 0, 32).value();
        (void)server.accept(copas::clock::time_point::max());
      },
      any_reading);
  server.close();
}

TEST_F(CancelPoints, SocketConnect) {
  // A listener whose accept queue is full drops further SYNs: a connect then waits.
  copas::socket server;
  std::vector<copas::socket> fillers;
  expect_cancel_unwinds(
      [&] {
        server = copas::bind("127.0.0.1", 0, 0).value();
        for (int i = 0; i < 64; ++i) {
          auto c = copas::tcp();
          c.settimeout(0.2);
          bool connected = static_cast<bool>(c.connect("127.0.0.1", port_of(server)));
          fillers.push_back(std::move(c));
          if (!connected) break;
        }
        auto c = copas::tcp();
        (void)c.connect("127.0.0.1", port_of(server));
      },
      any_writing);
  for (auto& f : fillers) f.close();
  server.close();
}

TEST_F(CancelPoints, Dns) {
  copas::socket ns;
  expect_cancel_unwinds(
      [&] {
        ns = copas::test::fake_dns({.silent = {"silent.test"}});
        copas::dns::set_nameservers({copas::test::nameserver_address(ns)});
        copas::dns::set_timeout(60);
        (void)copas::dns::resolve("silent.test");
      },
      [] { return copas::status().read > 1; },  // the DNS server's fiber reads too
      [&] {
        copas::pause(0.05);  // evdns delivers the lookup's cancellation, which frees its socket
        ns.close();
        copas::dns::set_nameservers({});
        copas::dns::set_timeout(5);
      });
}

TEST_F(CancelPoints, TlsHandshake) {
  copas::test::pki();
  copas::socket server;
  expect_cancel_unwinds(
      [&] {
        server = silent_peer();
        auto c = copas::wrap(copas::tcp(), copas::ssl_params{.wrap = copas::test::client_params()});
        (void)c.connect("127.0.0.1", port_of(server));  // the ClientHello goes unanswered
      },
      any_reading);
  server.close();
}

TEST_F(CancelPoints, Lock) {
  copas::lock l(copas::forever);
  expect_cancel_unwinds(
      [&] {
        copas::addthread([&] {
          l.get().value();
          copas::pause(0.5);
          l.release();
        });
        copas::pause();
        (void)l.get();
      },
      any_inactive);
}

TEST_F(CancelPoints, Semaphore) {
  copas::semaphore s(10, 0, copas::forever);
  expect_cancel_unwinds([&] { (void)s.take(1); }, any_inactive);
  EXPECT_EQ(s.get_wait().value(), 0);  // the cancelled taker left the wait list
}

// A timer is callback-based and nothing waits on it: the member waits for the callback (through
// a semaphore it gives) and, unwound, disarms the timer, whose sleeping fiber then ends at once
// without calling back.
TEST_F(CancelPoints, Timer) {
  copas::semaphore fired(1, 0, copas::forever);
  std::optional<copas::timer> t;
  bool called_back = false;
  expect_cancel_unwinds(
      [&] {
        t.emplace(copas::timer_options{
            .name = "member-timer", .delay = 60, .callback = [&](copas::timer&, std::any&) {
              called_back = true;
              (void)fired.give(1);
            }});
        struct disarm {
          copas::timer& t;
          ~disarm() { (void)t.cancel(); }
        } guard{*t};
        (void)fired.take(1);
      },
      [&] { return t && t->armed() && any_inactive(); },
      [] {
        copas::pause();  // the round in which the woken timer fiber runs
        auto all = copas::fibers();
        EXPECT_EQ(find_fiber(all, "member-timer"), nullptr);
      });
  EXPECT_FALSE(t->armed());
  EXPECT_FALSE(called_back);
}

TEST_F(CancelPoints, Queue) {
  copas::queue<int> q;
  expect_cancel_unwinds([&] { (void)q.pop(copas::forever); }, any_inactive);
  q.destroy();
}

TEST_F(CancelPoints, FiberFuture) {
  bool task_went_on = false;
  expect_cancel_unwinds(
      [&] {
        auto f = copas::future::addthread([&] {
          copas::pause(60);
          task_went_on = true;
        });
        started = true;
        (void)f.get();
      },
      [&] { return started && copas::status().timer > 0; });
  EXPECT_FALSE(task_went_on);  // nobody else awaited it: the task was cancelled too
}

TEST_F(CancelPoints, HttpRequest) {
  copas::socket server;
  expect_cancel_unwinds(
      [&] {
        server = silent_peer();
        (void)copas::http::request("http://127.0.0.1:" + std::to_string(port_of(server)) + "/");
      },
      any_reading);
  server.close();
}

TEST_F(CancelPoints, FtpGet) {
  copas::socket server;
  expect_cancel_unwinds(
      [&] {
        server = silent_peer();
        (void)copas::ftp::get("ftp://127.0.0.1:" + std::to_string(port_of(server)) + "/x");
      },
      any_reading);
  server.close();
}

TEST_F(CancelPoints, SmtpSend) {
  copas::socket server;
  expect_cancel_unwinds(
      [&] {
        server = silent_peer();
        (void)copas::smtp::send({.from = "<a@localhost>",
                                 .rcpt = "<b@localhost>",
                                 .server = "127.0.0.1",
                                 .port = port_of(server)});
      },
      any_reading);
  server.close();
}

// --- copas::fibers() names a real socket (core_tests cannot link net) --------------------------

// Fibers parked in receive and send on named loopback sockets show each socket's name and the
// operation; closing the sockets wakes both with "closed".
TEST(Fibers, NamesARealSocketAndItsOperation) {
  std::vector<copas::fiber_info> all;
  std::string receive_error, send_error;
  copas::loop([&] {
    auto server = silent_peer();
    auto reader = copas::tcp(), writer = copas::tcp();
    reader.connect("127.0.0.1", port_of(server)).value();
    writer.connect("127.0.0.1", port_of(server)).value();
    reader.setname("db-connection");
    copas::setsocketname("bulk-upload", writer);
    copas::addnamedthread("reader",
                          [&] { receive_error = reader.receive(copas::line).error().message(); });
    copas::addnamedthread("writer", [&] {
      std::string big(64 << 20, 'x');  // far more than both kernel buffers hold
      send_error = writer.send(big).error().message();
    });
    for (int i = 0; i < 2000 && !(any_reading() && any_writing()); ++i) copas::pause(0.005);
    all = copas::fibers();
    reader.close();
    writer.close();
    server.close();
  });
  const auto* r = find_fiber(all, "reader");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->state, copas::fiber_state::waiting);
  EXPECT_EQ(r->waits_on, "socket 'db-connection' read");
  const auto* w = find_fiber(all, "writer");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->state, copas::fiber_state::waiting);
  EXPECT_EQ(w->waits_on, "socket 'bulk-upload' write");
  EXPECT_EQ(receive_error, "closed");
  EXPECT_EQ(send_error, "closed");
}

// --- the leak ledger names a real socket -------------------------------------------------------

TEST(LeakLedgerSockets, ASocketAliveAtDispatcherEndIsListedWithItsCreationSite) {
  int line = 0;
  const auto report = copas::test::leak_report_of([&] {
    copas::loop([&] {
      copas::addnamedthread("holder", [&] {
        line = __LINE__ + 1;
        auto s = copas::bind("127.0.0.1", 0, 4).value();
        copas::setsocketname("forgotten-listener", s);
        copas::pauseforever();  // the dispatcher ends with the socket still open
      });
    });
  });
  EXPECT_THAT(report, testing::HasSubstr("socket 'forgotten-listener' created at"));
  EXPECT_THAT(report, testing::HasSubstr("cancel_points_test.cpp:" + std::to_string(line)));
  EXPECT_THAT(report, testing::HasSubstr("fiber 'holder' created at"));
}

// --- deadline scopes over a whole exchange ---------------------------------------------------

double since(copas::clock::time_point t) { return copas::to_seconds(copas::clock::now() - t); }

TEST_F(CancelPoints, WithTimeoutBoundsConnectTlsAndRequestAgainstAStalledHandshake) {
  copas::test::pki();
  copas::loop([] {
    auto server = silent_peer();  // accepts (in the kernel), never answers the ClientHello
    auto start = copas::clock::now();
    auto r = copas::with_timeout(0.3, [&] {
      return copas::http::request(
          {.url = "https://127.0.0.1:" + std::to_string(port_of(server)) + "/",
           .timeout = 60,
           .sslparams = copas::ssl_params{.wrap = copas::test::client_params()}});
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "timeout");
    EXPECT_GE(since(start), 0.3);
    EXPECT_LT(since(start), 30.0);  // far below the request's own 60 s per operation
    server.close();
  });
}

TEST_F(CancelPoints, WithTimeoutBoundsAResponseThatDripsWithinEveryReadTimeout) {
  // The peer completes TLS and sends a head, then one body byte every 20 ms: each read is well
  // inside its 60 s timeout, the whole exchange never ends. The scope's 0.5 s does end it.
  copas::test::pki();
  copas::loop([] {
    auto server = copas::bind("127.0.0.1", 0, 32).value();
    bool stop = false;
    copas::addserver(
        server,
        copas::handler(
            [&stop](copas::socket c) {
              (void)c.receive(copas::line);
              c.send("HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n");
              while (!stop && c.send("x")) copas::pause(0.02);
            },
            copas::ssl_params{.wrap = copas::test::server_params(copas::test::pki().localhost)}));
    auto start = copas::clock::now();
    std::vector<std::string> body;
    auto r = copas::with_timeout(0.5, [&] {
      return copas::http::request(
          {.url = "https://localhost:" + std::to_string(port_of(server)) + "/",
           .sink = copas::ltn12::sink::table(body),
           .timeout = 60,
           .sslparams = copas::ssl_params{.wrap = copas::test::client_params()},
           .keepalive = false});
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "timeout");
    EXPECT_GE(since(start), 0.5);
    EXPECT_LT(since(start), 30.0);
    EXPECT_FALSE(body.empty());  // the body had begun: the deadline, not a read, ended it
    stop = true;
    copas::removeserver(server);
  });
}

}  // namespace
