// Peers that misbehave on purpose (in-process fiber servers): stalls, data connections that never
// come, truncated transfers, malformed and oversized replies, and the PASV / EPSV variants.
#include "fake_server.hpp"
#include "ftp_test.hpp"

namespace ftp = copas::ftp;
using copas::test::fake_control;
using copas::test::fake_ftp_server;
using copas::test::run;
using copas::test::stopwatch;

namespace {

// RETR answered with `payload` over the data connection, then `final_reply` (none: the control
// connection closes instead).
void serve_retr(fake_control& c, std::string payload, std::optional<std::string> final_reply) {
  c.login();
  auto d = c.passive();
  auto data = d.accept();
  c.expect("RETR");
  c.say("150 Opening data connection");
  data.send(payload);
  data.close();
  if (final_reply) {
    c.say(*final_reply);
    c.line();  // a failed transfer ends the session without QUIT
  }
  c.s.close();
}

}  // namespace

TEST(FtpOddPeer, StalledGreetingTimesOut) {
  fake_ftp_server srv([](fake_control& c) {
    copas::pause(1.5);
    c.s.close();
  });
  run([&] {
    stopwatch sw;
    auto got = ftp::get({.url = srv.url("/f"), .sink = copas::ltn12::sink::null(), .timeout = 0.3});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message(), "timeout");
    EXPECT_GE(sw.elapsed(), 0.3);
    EXPECT_LT(sw.elapsed(), 0.3 + 0.25);
  });
}

TEST(FtpOddPeer, DataConnectionThatStallsTimesOut) {
  fake_ftp_server srv([](fake_control& c) {
    c.login();
    auto d = c.passive();
    auto data = d.accept();
    c.expect("RETR");
    c.say("150 Opening data connection");
    data.send("some bytes, then nothing");
    copas::pause(1.5);
    data.close();
    c.s.close();
  });
  run([&] {
    std::vector<std::string> parts;
    stopwatch sw;
    auto got =
        ftp::get({.url = srv.url("/f"), .sink = copas::ltn12::sink::table(parts), .timeout = 0.3});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message(), "timeout");
    EXPECT_EQ(copas::test::join(parts), "some bytes, then nothing");
    EXPECT_LT(sw.elapsed(), 1.0);
  });
}

TEST(FtpOddPeer, ActiveDataConnectionThatNeverComesTimesOut) {
  fake_ftp_server srv([](fake_control& c) {
    c.login();
    c.expect("PORT");
    c.say("200 PORT command successful");
    c.expect("RETR");
    c.say("150 I will connect, promise");
    copas::pause(1.5);
    c.s.close();
  });
  run([&] {
    stopwatch sw;
    auto got = ftp::get(
        {.url = srv.url("/f"), .sink = copas::ltn12::sink::null(), .active = true, .timeout = 0.3});
    ASSERT_FALSE(got);
    EXPECT_TRUE(got.error() == copas::errc::timeout);
    EXPECT_EQ(got.error().message(),
              "timeout: the server did not open the data connection (active mode)");
    EXPECT_GE(sw.elapsed(), 0.3);
    EXPECT_LT(sw.elapsed(), 0.3 + 0.25);
  });
}

TEST(FtpOddPeer, ControlClosedMidTransferIsAnErrorNotASuccess) {
  fake_ftp_server srv([](fake_control& c) { serve_retr(c, "half of the fi", std::nullopt); });
  run([&] {
    std::vector<std::string> parts;
    auto got = ftp::get({.url = srv.url("/f"), .sink = copas::ltn12::sink::table(parts)});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message(), "closed");
    EXPECT_EQ(copas::test::join(parts), "half of the fi");
  });
}

TEST(FtpOddPeer, AbortedTransferReturnsTheReplyText) {
  fake_ftp_server srv([](fake_control& c) {
    serve_retr(c, "partial", std::string("426 Connection closed; transfer aborted."));
  });
  run([&] {
    std::vector<std::string> parts;
    auto got = ftp::get({.url = srv.url("/f"), .sink = copas::ltn12::sink::table(parts)});
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message(), "426 Connection closed; transfer aborted.");
    EXPECT_EQ(copas::tp::reply_code(got.error()), 426);
    EXPECT_EQ(copas::test::join(parts), "partial");
  });
}

TEST(FtpOddPeer, MultiLineRepliesAndAPreliminaryGreeting) {
  fake_ftp_server srv([](fake_control& c) {
    c.say("120-Service ready in a moment\r\n120 please wait");
    c.say("220-Welcome\r\n 220 this line does not end it\r\n220 ready");
    c.expect("USER ftp");
    c.say("331-Anonymous login ok,\r\n331 send your address as password");
    c.expect("PASS anonymous@anonymous.org");
    c.say("230-Line one\r\n230 Line two");
    auto d = c.passive();
    auto data = d.accept();
    c.expect("RETR f");
    c.say("150 here");
    data.send("content");
    data.close();
    c.say("226-Transfer complete\r\n226 bye now");
    c.expect("QUIT");
    c.say("221 bye");
  });
  run([&] {
    auto got = ftp::get(srv.url("/f"));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(*got, "content");
  });
}

TEST(FtpOddPeer, InvalidReply) {
  fake_ftp_server srv([](fake_control& c) {
    c.say("hello, I am not an FTP server");
    c.line();
  });
  run([&] {
    auto got = ftp::get(srv.url("/f"));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message(), "invalid server reply");
  });
}

TEST(FtpOddPeer, OversizedReplyLineIsBounded) {
  fake_ftp_server srv([](fake_control& c) {
    c.s.send("220 " + std::string(64 * 1024, 'x'));
    c.line();
  });
  run([&] {
    auto got = ftp::get(srv.url("/f"));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message(), "server reply too long");
  });
}

TEST(FtpOddPeer, EpsvRefusedFallsBackToPasvAndPrivateAddressIsIgnored) {
  fake_ftp_server srv([](fake_control& c) {
    c.login();
    c.expect("EPSV");
    c.say("500 EPSV not understood");
    c.expect("PASV");
    auto d = c.listen();
    // The server's idea of its own address is private: the client must use 127.0.0.1.
    c.say("227 Entering Passive Mode (10,9,8,7," + std::to_string(d.port / 256) + "," +
          std::to_string(d.port % 256) + ").");
    auto data = d.accept();
    c.expect("RETR");
    c.say("150 ok");
    data.send("via pasv");
    data.close();
    c.say("226 done");
    c.expect("QUIT");
    c.say("221 bye");
  });
  run([&] {
    auto got = ftp::get(srv.url("/f"));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(*got, "via pasv");
  });
}

TEST(FtpOddPeer, InvalidEpsvReply) {
  fake_ftp_server srv([](fake_control& c) {
    c.login();
    c.expect("EPSV");
    c.say("229 Entering Extended Passive Mode, somewhere");
    c.line();
  });
  run([&] {
    auto got = ftp::get(srv.url("/f"));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message(), "invalid epsv response");
  });
}

TEST(FtpOddPeer, ImmediateCompletionReplyGoesToTheSink) {
  fake_ftp_server srv([](fake_control& c) {
    c.login();
    auto d = c.passive();
    auto data = d.accept();
    c.expect("RETR");
    c.say("250 Nothing to transfer");
    c.expect("QUIT");
    c.say("221 bye");
    data.close();
  });
  run([&] {
    auto got = ftp::get(srv.url("/f"));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(*got, "250 Nothing to transfer");
  });
}

TEST(FtpOddPeer, UploadAbortedByTheServerReturnsItsReply) {
  fake_ftp_server srv([](fake_control& c) {
    c.login();
    auto d = c.passive();
    auto data = d.accept();
    c.expect("STOR");
    c.say("150 go ahead");
    data.receive(1000);
    // Quota exceeded: the server drops the data connection and says so.
    (void)data.setoption("linger", copas::linger_option{true, 0});
    data.close();
    c.say("552 Quota exceeded.");
    c.line();
  });
  run([&] {
    auto sent = ftp::put({.url = srv.url("/big"),
                          .source = copas::ltn12::source::string(std::string(8 << 20, 'z'))});
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error().message(), "552 Quota exceeded.");
  });
}

TEST(FtpOddPeer, CommandArgumentsCannotSmuggleCommands) {
  fake_ftp_server srv([](fake_control& c) {
    c.login();
    c.line();  // QUIT, or nothing
  });
  run([&] {
    auto ok = ftp::command({.url = srv.url("/"), .command = {"dele"}, .argument = {"x\r\nRMD /"}});
    ASSERT_FALSE(ok);
    EXPECT_TRUE(ok.error() == copas::errc::invalid_argument);
  });
}

TEST(FtpOddPeer, PassiveDataConnectionThatNeverComesTimesOut) {
  // A listener whose accept queue is full: the kernel drops further SYNs, so a connect to it
  // neither succeeds nor fails -- a data port behind a firewall, on loopback.
  auto full = copas::bind("127.0.0.1", 0, 0).value();
  const auto port = full.getsockname().value().port;
  std::vector<copas::socket> fillers;
  fake_ftp_server srv([&](fake_control& c) {
    for (int i = 0; i < 3; ++i) {
      auto f = copas::wrap(copas::tcp());
      f.settimeout(0.05);
      if (f.connect("127.0.0.1", port)) fillers.push_back(f);
    }
    c.login();
    c.expect("EPSV");
    c.say("229 Entering Extended Passive Mode (|||" + std::to_string(port) + "|)");
    c.line();
  });
  run([&] {
    copas::pause(0.3);  // let the fillers take the queue
    stopwatch sw;
    auto got = ftp::get({.url = srv.url("/f"), .sink = copas::ltn12::sink::null(), .timeout = 0.3});
    ASSERT_FALSE(got);
    EXPECT_TRUE(got.error() == copas::errc::timeout);
    EXPECT_EQ(got.error().message(), "timeout: no data connection to 127.0.0.1:" +
                                         std::to_string(port) + " (passive mode)");
    EXPECT_LT(sw.elapsed(), 1.0);
  });
  for (auto& f : fillers) f.close();
  full.close();
}
