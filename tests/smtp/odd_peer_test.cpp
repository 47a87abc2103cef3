// copas::smtp::send against in-process fiber servers that misbehave on purpose, and that show
// the exact bytes on the wire.
#include <gtest/gtest.h>
#include <copas/core.hpp>
#include <copas/net.hpp>
#include <copas/smtp.hpp>

#include <functional>

namespace smtp = copas::smtp;
namespace ltn12 = copas::ltn12;

namespace {

// A one-connection server; `script` talks to the client, `seen` collects what the client sent.
struct fiber_peer {
  std::uint16_t port = 0;
  std::vector<std::string> seen;

  void serve(std::function<void(copas::socket&, fiber_peer&)> script) {
    auto server = copas::bind("127.0.0.1", 0).value();
    port = server.getsockname().value().port;
    copas::addserver(server, [this, server, script](copas::socket c) mutable {
      copas::removeserver(server);
      c.settimeout(5);
      script(c, *this);
    });
  }
  // Reads one command line, records it, answers `reply`.
  bool answer(copas::socket& c, std::string_view reply) {
    auto line = c.receive();
    if (!line) return false;
    seen.push_back(*line);
    return static_cast<bool>(c.send(reply));
  }
  // Reads the message up to the final dot line, recording it raw.
  std::string data(copas::socket& c) {
    std::string msg;
    for (;;) {
      auto line = c.receive();
      if (!line || *line == ".") break;
      msg += *line + "\n";
    }
    return msg;
  }
};

smtp::params basic(std::uint16_t port, std::string message = "Subject: x\r\n\r\nhi\r\n") {
  return {.from = "<a@example.org>",
          .rcpt = "<b@example.org>",
          .source = ltn12::source::string(std::move(message)),
          .server = "127.0.0.1",
          .port = port,
          .domain = "client.example",
          .timeout = 5};
}

smtp::send_result run(fiber_peer& peer, smtp::params p) {
  smtp::send_result r;
  copas::loop([&] { r = smtp::send(p); });
  (void)peer;
  return r;
}

// The usual happy conversation from MAIL FROM on.
void envelope_and_data(copas::socket& c, fiber_peer& f) {
  f.answer(c, "250 ok\r\n");  // MAIL
  f.answer(c, "250 ok\r\n");  // RCPT
  f.answer(c, "354 go\r\n");  // DATA
  f.seen.push_back(f.data(c));
  c.send("250 queued\r\n");
  f.answer(c, "221 bye\r\n");  // QUIT
}

// The same after answering EHLO (or HELO) with `ehlo_reply`.
void conversation(copas::socket& c, fiber_peer& f, std::string_view ehlo_reply) {
  f.answer(c, ehlo_reply);
  envelope_and_data(c, f);
}

}  // namespace

TEST(OddPeer, TheWholeSessionOnTheWire) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220-mail.example\r\n220 ready\r\n");
    conversation(c, f, "250-mail.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
  });
  auto r = run(peer, basic(peer.port, "Subject: x\r\n\r\n.dot\r\nhi\r\n"));
  ASSERT_TRUE(r) << r.describe();
  EXPECT_EQ(peer.seen, (std::vector<std::string>{"EHLO client.example", "MAIL FROM:<a@example.org>",
                                                 "RCPT TO:<b@example.org>", "DATA",
                                                 "Subject: x\n\n..dot\nhi\n", "QUIT"}));
}

TEST(OddPeer, HeloFallback) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220 old server\r\n");
    f.answer(c, "502 5.5.2 command not recognized\r\n");
    conversation(c, f, "250 hello\r\n");
  });
  auto r = run(peer, basic(peer.port));
  ASSERT_TRUE(r) << r.describe();
  EXPECT_EQ(peer.seen.at(0), "EHLO client.example");
  EXPECT_EQ(peer.seen.at(1), "HELO client.example");
  EXPECT_EQ(peer.seen.at(2), "MAIL FROM:<a@example.org>");
}

TEST(OddPeer, NoHeloFallbackOnTemporaryFailure) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220 busy\r\n");
    f.answer(c, "421 4.3.2 shutting down\r\n");
  });
  auto r = run(peer, basic(peer.port));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "421 4.3.2 shutting down");
  EXPECT_EQ(r.where().phase, "EHLO");
  EXPECT_EQ(peer.seen, (std::vector<std::string>{"EHLO client.example"})) << "no QUIT after 421";
}

TEST(OddPeer, ARefusedCommandIsFollowedByQuit) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220 ready\r\n");
    f.answer(c, "250 hello\r\n");
    f.answer(c, "250 ok\r\n");                  // MAIL
    f.answer(c, "550 5.1.1 no such user\r\n");  // RCPT
    f.answer(c, "221 2.0.0 bye\r\n");           // QUIT
  });
  auto r = run(peer, basic(peer.port));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.where().phase, "RCPT TO");
  EXPECT_EQ(r.error().message(), "550 5.1.1 no such user");
  EXPECT_EQ(peer.seen, (std::vector<std::string>{"EHLO client.example", "MAIL FROM:<a@example.org>",
                                                 "RCPT TO:<b@example.org>", "QUIT"}));
}

TEST(OddPeer, AuthLoginIsPreferredAndBase64Encoded) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220 ready\r\n");
    f.answer(c, "250-mail.example\r\n250 AUTH PLAIN LOGIN\r\n");
    f.answer(c, "334 VXNlcm5hbWU6\r\n");
    f.answer(c, "334 UGFzc3dvcmQ6\r\n");
    f.answer(c, "235 2.7.0 ok\r\n");
    envelope_and_data(c, f);
  });
  auto p = basic(peer.port);
  p.user = "user";
  p.password = "pass";
  auto r = run(peer, p);
  ASSERT_TRUE(r) << r.describe();
  EXPECT_EQ(peer.seen.at(1), "AUTH LOGIN");
  EXPECT_EQ(peer.seen.at(2), "dXNlcg==");
  EXPECT_EQ(peer.seen.at(3), "cGFzcw==");
}

TEST(OddPeer, AuthPlainWireFormat) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220 ready\r\n");
    f.answer(c, "250-mail.example\r\n250 AUTH=PLAIN\r\n");
    f.answer(c, "235 ok\r\n");
    envelope_and_data(c, f);
  });
  auto p = basic(peer.port);
  p.user = "user";
  p.password = "pass";
  auto r = run(peer, p);
  ASSERT_TRUE(r) << r.describe();
  EXPECT_EQ(peer.seen.at(1), "AUTH PLAIN AHVzZXIAcGFzcw==");
}

TEST(OddPeer, ServerDropsTheConnectionMidData) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220 ready\r\n");
    f.answer(c, "250 ok\r\n");
    f.answer(c, "250 ok\r\n");
    f.answer(c, "250 ok\r\n");
    f.answer(c, "354 go\r\n");
    (void)c.receive(100);  // a little of the message, then gone
    c.close();
  });
  auto r = run(peer, basic(peer.port, "Subject: big\r\n\r\n" + std::string(4 << 20, 'x') + "\r\n"));
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.where().phase == "message" || r.where().phase == "end of data") << r.where().phase;
  EXPECT_EQ(r.error(), copas::errc::closed) << r.error().message();
}

TEST(OddPeer, ServerClosesBeforeTheFinalReply) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220 ready\r\n");
    for (int i = 0; i < 3; ++i) f.answer(c, "250 ok\r\n");
    f.answer(c, "354 go\r\n");
    f.data(c);
    c.close();
  });
  auto r = run(peer, basic(peer.port));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.where().phase, "end of data");
  EXPECT_EQ(r.error().message(), "closed");
}

TEST(OddPeer, MalformedGreeting) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer&) { c.send("hello there\r\n"); });
  auto r = run(peer, basic(peer.port));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "invalid server reply");
  EXPECT_EQ(r.where().phase, "greeting");
}

TEST(OddPeer, RejectingGreeting) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer&) { c.send("554 5.3.2 go away\r\n"); });
  auto r = run(peer, basic(peer.port));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "554 5.3.2 go away");
}

TEST(OddPeer, OversizedReplyLine) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer&) {
    c.send("220 " + std::string(1 << 20, 'x'));  // no end of line in sight
    copas::pause(1);
  });
  auto r = run(peer, basic(peer.port));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "server reply too long");
}

TEST(OddPeer, StalledServerTimesOut) {
  fiber_peer peer;
  peer.serve([](copas::socket&, fiber_peer&) { copas::pause(2); });
  auto p = basic(peer.port);
  p.timeout = 0.2;
  auto start = copas::clock::now();
  auto r = run(peer, p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "timeout");
  EXPECT_EQ(r.where().phase, "greeting");
  EXPECT_GE(copas::clock::now() - start, std::chrono::milliseconds(200));
}

TEST(OddPeer, DataAfterTheStartTlsReplyIsRefused) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220 ready\r\n");
    f.answer(c, "250-mail.example\r\n250 STARTTLS\r\n");
    f.answer(c, "220 go ahead\r\n250 injected\r\n");
    copas::pause(0.5);
  });
  auto p = basic(peer.port);
  p.tls = smtp::security::starttls;
  auto r = run(peer, p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "unexpected data after the STARTTLS reply");
}

TEST(OddPeer, AFailingQuitDoesNotUndoTheDelivery) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220 ready\r\n");
    for (int i = 0; i < 3; ++i) f.answer(c, "250 ok\r\n");
    f.answer(c, "354 go\r\n");
    f.data(c);
    c.send("250 queued\r\n");
    f.answer(c, "500 what\r\n");
  });
  EXPECT_TRUE(run(peer, basic(peer.port)));
}

TEST(OddPeer, LineBreaksInAddressesAreRefused) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220 ready\r\n");
    f.answer(c, "250 ok\r\n");
    f.answer(c, "250 ok\r\n");
    copas::pause(0.2);
  });
  auto p = basic(peer.port);
  p.rcpt = "<b@example.org>\r\nRCPT TO:<evil@example.org>";
  auto r = run(peer, p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), copas::errc::invalid_argument);
  EXPECT_EQ(r.where().phase, "RCPT TO");
}

TEST(OddPeer, AnEmptySourceSendsAnEmptyMessage) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220 ready\r\n");
    conversation(c, f, "250 ok\r\n");
  });
  auto p = basic(peer.port);
  p.source = {};
  ASSERT_TRUE(run(peer, p));
  EXPECT_EQ(peer.seen.at(4), "");
}

TEST(OddPeer, CredentialsWithoutServerAuth) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220 ready\r\n");
    f.answer(c, "250-mail.example\r\n250 SIZE 1000\r\n");
    copas::pause(0.2);
  });
  auto p = basic(peer.port);
  p.user = "alice";
  p.password = "pw";
  auto r = run(peer, p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "authentication not supported");
  EXPECT_EQ(r.error(), smtp::errc::not_supported);
  EXPECT_EQ(r.where().phase, "AUTH");
}

TEST(OddPeer, TransportSinkGetsBytesBufferedPastTheReply) {
  // LuaSocket's tp:sink, as FTP uses it: the data that came with a reply is not lost.
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer&) {
    c.send("220 here it comes\r\nsome data");
    c.send(" and more");
  });
  std::vector<std::string> got;
  copas::result<void> sunk;
  copas::loop([&] {
    auto conn = copas::tp::connection::connect("127.0.0.1", peer.port, 5).value();
    ASSERT_TRUE(conn.check("2.."));
    sunk = conn.sink(ltn12::sink::table(got), copas::all);
    conn.close();
  });
  std::string all;
  for (auto& g : got) all += g;
  EXPECT_TRUE(sunk);
  EXPECT_EQ(all, "some data and more");
}

TEST(OddPeer, TheCreateFunctionMakesTheSocket) {
  fiber_peer peer;
  peer.serve([](copas::socket& c, fiber_peer& f) {
    c.send("220 ready\r\n");
    conversation(c, f, "250 ok\r\n");
  });
  int made = 0;
  auto p = basic(peer.port);
  p.create = [&made] {
    ++made;
    return copas::tcp();
  };
  ASSERT_TRUE(run(peer, p));
  EXPECT_EQ(made, 1);
}
