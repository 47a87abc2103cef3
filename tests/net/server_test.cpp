// addserver / removeserver / handler / autoclose (net.md §5; tests.md L9, N2).
#include "net_test.hpp"

#include <fake_dns_server.hpp>

#include <sys/resource.h>

#include <string>
#include <vector>

using namespace copas;
using copas::test::NetTest;
using copas::test::port_of;

TEST_F(NetTest, ClientsAndHandlersAreNamedAfterTheServer) {
  loop([] {
    auto server = copas::test::listener();
    std::vector<std::string> names;
    addserver(
        server,
        [&](copas::socket c) {
          names.push_back(getthreadname() + " " + getsocketname(c));
          c.receive();
        },
        std::nullopt, "srv");
    EXPECT_EQ(getsocketname(server), "srv");
    std::vector<copas::socket> clients;
    for (int i = 0; i < 2; ++i) {
      auto c = wrap(tcp());
      ASSERT_TRUE(c.connect("127.0.0.1", port_of(server)));
      clients.push_back(c);
      copas::pause(0.02);
    }
    for (auto& c : clients) c.close();
    copas::pause(0.02);
    removeserver(server);
    EXPECT_EQ(names, (std::vector<std::string>{"srv:handler_1 srv:client_1",
                                               "srv:handler_2 srv:client_2"}));
  });
}

TEST_F(NetTest, AcceptedClientsInheritTheServerTimeout) {
  loop([] {
    auto server = copas::test::listener();
    std::optional<double> got;
    addserver(
        server, [&](copas::socket c) { got = c.gettimeouts().receive; }, 0.25);
    auto c = wrap(tcp());
    ASSERT_TRUE(c.connect("127.0.0.1", port_of(server)));
    copas::pause(0.05);
    c.close();
    removeserver(server);
    EXPECT_EQ(got, 0.25);
  });
}

TEST_F(NetTest, SendReturns13AndTheHandlerGetsTheLine) {  // L9
  loop([] {
    auto server = copas::test::listener();
    std::string line;
    addserver(server, [&](copas::socket c) {
      line = c.receive().value();
      removeserver(server);
    });
    copas::pause(0.2);
    auto c = wrap(tcp());
    ASSERT_TRUE(c.connect("127.0.0.1", port_of(server)));
    EXPECT_EQ(c.send("Hello world!\n").value(), 13u);
    copas::pause(0.05);
    c.close();
    EXPECT_EQ(line, "Hello world!");
  });
  // loop() returned: the removed server no longer keeps it alive
}

TEST_F(NetTest, ARegisteredServerKeepsTheLoopAliveUntilRemoved) {  // N2
  copas::test::stopwatch w;
  loop([] {
    auto server = copas::test::listener();
    addserver(server, [](copas::socket) {});
    addthread([server] {
      copas::pause(0.2);
      removeserver(server);
    });
  });
  EXPECT_GE(w.elapsed(), 0.2);
}

TEST_F(NetTest, RemoveServerKeepOpenAllowsReAdding) {
  loop([] {
    auto server = copas::test::listener();
    int served = 0;
    for (int round = 0; round < 3; ++round) {
      addserver(server, [&](copas::socket c) {
        c.send("hi\n");
        ++served;
      });
      auto c = wrap(tcp());
      ASSERT_TRUE(c.connect("127.0.0.1", port_of(server)));
      EXPECT_EQ(c.receive().value(), "hi");
      c.close();
      EXPECT_TRUE(removeserver(server, true));
      copas::pause(0.01);
    }
    EXPECT_EQ(served, 3);
    EXPECT_GE(server.getfd(), 0);  // kept open
    removeserver(server);
    EXPECT_EQ(server.getfd(), -1);
  });
}

TEST_F(NetTest, AutocloseClosesClientsWhenTheHandlerEnds) {
  for (bool on : {true, false}) {
    loop([on] {
      autoclose(on);
      auto server = copas::test::listener();
      copas::socket kept;
      addserver(server, [&](copas::socket c) {
        kept = c;
        removeserver(server);
      });
      auto c = wrap(tcp());
      ASSERT_TRUE(c.connect("127.0.0.1", port_of(server)));
      c.settimeout(0.1);
      auto r = c.receive();
      EXPECT_EQ(r.error().message(), on ? "closed" : "timeout");
      EXPECT_EQ(kept.getfd() < 0, on);
      c.close();
      kept.close();
    });
  }
  autoclose(true);
}

TEST_F(NetTest, HandlerExceptionsGoToTheErrorHandlerWithTheSocket) {
  loop([] {
    std::string seen;
    seterrorhandler(
        [&](std::exception_ptr e, const thread& co, const socket_ref* skt) {
          seen = error_message(e) + " | " + getthreadname(co) + " | " +
                 (skt ? skt->socket_name() : "nil");
        },
        true);
    auto server = copas::test::listener();
    addserver(
        server,
        [&](copas::socket) {
          removeserver(server);
          throw std::runtime_error("boom");
        },
        std::nullopt, "bad");
    auto c = wrap(tcp());
    ASSERT_TRUE(c.connect("127.0.0.1", port_of(server)));
    EXPECT_EQ(c.receive().error().message(), "closed");  // autoclosed after the error
    c.close();
    EXPECT_EQ(seen, "boom | bad:handler_1 | bad:client_1");
  });
}

TEST_F(NetTest, HandlerWrapsPlainConnections) {
  loop([] {
    auto server = copas::test::listener();
    bool wrapped = false;
    addserver(server, handler([&](copas::socket c) {
                wrapped = c.wrapped();
                removeserver(server);
              }));
    auto c = wrap(tcp());
    ASSERT_TRUE(c.connect("127.0.0.1", port_of(server)));
    copas::pause(0.05);
    c.close();
    EXPECT_TRUE(wrapped);
  });
}

TEST_F(NetTest, AThousandSimultaneousConnections) {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 2500 && lim.rlim_max >= 2500) {
    lim.rlim_cur = 2500;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  static constexpr int n = 1000;
  int ok = 0, done = 0;
  loop([&] {
    auto server = copas::test::listener("127.0.0.1", 1024);
    auto port = port_of(server);
    addserver(server, [](copas::socket c) {
      while (auto l = c.receive()) c.send(*l + "\n");
    });
    for (int i = 0; i < n; ++i) {
      addthread([&ok, &done, server, port, i] {
        auto c = wrap(tcp());
        c.settimeout(20);
        if (c.connect("127.0.0.1", port)) {
          copas::pause(0.2);  // all connected at once
          auto msg = "client " + std::to_string(i);
          c.send(msg + "\n");
          auto r = c.receive();
          if (r && *r == msg) ++ok;
        }
        c.close();
        if (++done == n) removeserver(server);
      });
    }
  });
  EXPECT_EQ(ok, n);
}

// The name is known only to a fake nameserver that runs as a fiber of this very thread: the
// blocking system resolver could not find it, and evdns gets its answer only because the thread
// kept running fibers while bind() waited.
TEST_F(NetTest, BindResolvesAHostNameThroughEvdns) {
  loop([] {
    copas::test::fake_dns_zone zone{.hosts = {{"bindhost.test", {"127.0.0.1"}}}};
    auto ns = copas::test::fake_dns(zone);
    dns::set_nameservers({copas::test::nameserver_address(ns)});
    auto server = copas::bind("bindhost.test", 0);
    ASSERT_TRUE(server) << server.error().message();
    EXPECT_EQ(server->getsockname().value().ip, "127.0.0.1");
    EXPECT_GT(*zone.queries, 0);
    auto u = udp();
    EXPECT_TRUE(u.setsockname("bindhost.test", 0));  // UDP binds the same way
    EXPECT_EQ(u.getsockname().value().ip, "127.0.0.1");
    EXPECT_EQ(copas::bind("other.test", 0).error().message(), "host not found: other.test");
    u.close();
    server->close();
    ns.close();
    dns::set_nameservers({});
  });
}

TEST_F(NetTest, BindWithAnUnresolvableNameNamesTheHost) {
  loop([] {
    dns::set_nameservers({"127.0.0.1:9"});  // nothing answers there
    dns::set_timeout(0.2);
    auto r = copas::bind("nowhere.test", 0);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message(), "temporary failure in name resolution: nowhere.test");
    dns::set_nameservers({});
    dns::set_timeout(5);
  });
}

TEST_F(NetTest, BindWithAHostNameBeforeTheLoop) {
  copas::test::fake_dns_zone zone{.hosts = {{"early.test", {"127.0.0.1"}}}};
  auto ns = copas::test::fake_dns(zone);
  dns::set_nameservers({copas::test::nameserver_address(ns)});
  auto server = copas::bind("early.test", 0);  // the main context parks; the nameserver runs
  ASSERT_TRUE(server) << server.error().message();
  EXPECT_EQ(server->getsockname().value().ip, "127.0.0.1");
  server->close();
  ns.close();
  dns::set_nameservers({});
  loop();
}
