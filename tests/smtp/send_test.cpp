// copas::smtp::send against a real server: aiosmtpd on 127.0.0.1 (tests/smtp/smtp_server.py).
#include "aiosmtpd.hpp"
#include "fake_dns_server.hpp"
#include "sha256.hpp"

#include <gtest/gtest.h>
#include <copas/core.hpp>
#include <copas/net.hpp>
#include <copas/smtp.hpp>

#include <algorithm>

namespace smtp = copas::smtp;
namespace ltn12 = copas::ltn12;
using copas::test::aiosmtpd;
using copas::test::sha256;

namespace {

smtp::send_result send_in_loop(smtp::params p) {
  smtp::send_result r;
  copas::loop([&] { r = smtp::send(p); });
  return r;
}

smtp::params to(const aiosmtpd& server, std::string message) {
  return {.from = "<sender@example.org>",
          .rcpt = "<rcpt@example.org>",
          .source = ltn12::source::string(std::move(message)),
          .server = "127.0.0.1",
          .port = server.port(),
          .timeout = 10};
}

}  // namespace

TEST(Send, SimpleMessageArrivesByteForByte) {
  aiosmtpd server;
  std::string msg = "Subject: plain\r\n\r\nline one\r\nline two\r\n";
  auto r = send_in_loop(to(server, msg));
  ASSERT_TRUE(r) << r.describe();
  EXPECT_EQ(r->reply, "250 2.0.0 Message accepted for delivery");  // the server's own words
  EXPECT_EQ(r.describe(), "ok");
  auto got = server.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].data, msg);
  EXPECT_EQ(got[0].get("mail_from"), "sender@example.org");
  EXPECT_EQ(got[0].all("rcpt"), std::vector<std::string>{"rcpt@example.org"});
  EXPECT_EQ(got[0].get("ehlo"), smtp::default_domain());
  EXPECT_EQ(got[0].get("tls"), "0");
}

TEST(Send, AMessageWithoutFinalLineBreakGetsOne) {
  aiosmtpd server;
  ASSERT_TRUE(send_in_loop(to(server, "Subject: x\r\n\r\nno newline")));
  EXPECT_EQ(server.messages().at(0).data, "Subject: x\r\n\r\nno newline\r\n");
}

TEST(Send, DotStuffedBody) {
  aiosmtpd server;
  std::string msg = "Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\nmid.dle\r\n.\r\n";
  auto r = send_in_loop(to(server, msg));
  ASSERT_TRUE(r) << r.describe();
  EXPECT_EQ(server.messages().at(0).data, msg);
}

TEST(Send, MessageSourceWithManyHeaders) {
  aiosmtpd server;
  smtp::header_list headers;
  for (int i = 0; i < 40; ++i)
    headers.emplace_back("x-header-" + std::to_string(i), "value " + std::to_string(i));
  headers.emplace_back("subject", "many headers");
  auto p = to(server, "");
  p.source = smtp::message({.headers = headers, .body = "body\r\n"});
  auto r = send_in_loop(p);
  ASSERT_TRUE(r) << r.describe();
  auto m = server.messages().at(0);
  EXPECT_EQ(m.get("subject"), "many headers");
  for (int i = 0; i < 40; ++i)
    EXPECT_NE(
        m.data.find("x-header-" + std::to_string(i) + ": value " + std::to_string(i) + "\r\n"),
        std::string::npos);
}

TEST(Send, MinimumMessage) {
  aiosmtpd server;
  auto p = to(server, "");
  p.source = smtp::message({});
  ASSERT_TRUE(send_in_loop(p));
  auto data = server.messages().at(0).data;
  EXPECT_EQ(data.substr(data.size() - 4), "\r\n\r\n");
  EXPECT_NE(data.find("MIME-Version: 1.0\r\n"), std::string::npos);
}

TEST(Send, SeveralRecipients) {
  aiosmtpd server;
  auto p = to(server, "Subject: many\r\n\r\nhi\r\n");
  p.rcpt = {"<a@example.org>", "<b@example.org>", "<c@example.org>"};
  ASSERT_TRUE(send_in_loop(p));
  EXPECT_EQ(server.messages().at(0).all("rcpt"),
            (std::vector<std::string>{"a@example.org", "b@example.org", "c@example.org"}));
}

TEST(Send, ARefusedRecipientFailsWithTheServerReply) {
  aiosmtpd server;
  auto p = to(server, "Subject: x\r\n\r\nhi\r\n");
  p.rcpt = {"<a@example.org>", "<refused@example.org>"};
  auto r = send_in_loop(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "550 5.1.1 <refused@example.org>: Recipient address rejected");
  EXPECT_EQ(r.where().phase, "RCPT TO");
  EXPECT_EQ(r.where().reply, r.error().message());
  EXPECT_EQ(r.describe(),
            "smtp 127.0.0.1:" + std::to_string(server.port()) +
                " RCPT TO: 550 5.1.1 <refused@example.org>: Recipient address rejected");
  EXPECT_TRUE(server.messages().empty());
  EXPECT_EQ(server.quits(), 1) << "RFC 5321 4.1.1.10: QUIT after the refusal";
}

TEST(Send, AnInvalidFromReturnsTheServerError) {
  aiosmtpd server;
  auto p = to(server, "x\r\n");
  p.from = "<refused@example.org>";
  auto r = send_in_loop(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.where().phase, "MAIL FROM");
  EXPECT_EQ(r.error().message(), "553 5.1.8 <refused@example.org>: Sender address rejected");
  EXPECT_EQ(r.where().reply, r.error().message());
  EXPECT_EQ(server.quits(), 1);
}

TEST(Send, AMessageOverTheSizeLimitGets552ThenQuit) {
  aiosmtpd server({.size_limit = 1000});
  std::string body;
  for (int i = 0; i < 50; ++i) body += std::string(78, 'x') + "\r\n";
  auto r = send_in_loop(to(server, "Subject: big\r\n\r\n" + body));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.where().phase, "end of data");
  EXPECT_EQ(r.error().message().substr(0, 4), "552 ");
  EXPECT_TRUE(server.messages().empty());
  EXPECT_EQ(server.quits(), 1);
}

TEST(Send, ADeliveryEndsWithQuit) {
  aiosmtpd server;
  ASSERT_TRUE(send_in_loop(to(server, "Subject: x\r\n\r\nhi\r\n")));
  EXPECT_EQ(server.quits(), 1);
}

TEST(Send, AUtf8SubjectAndDisplayNameParseBack) {
  aiosmtpd server;
  auto msg = smtp::message({.headers = {{"from", "J\xc3\xb6rg <sender@example.org>"},
                                        {"subject",
                                         "Gr\xc3\xbc\xc3\x9f"
                                         "e \xe2\x9c\x93"}},
                            .body = "hi\r\n"});
  auto p = to(server, "");
  p.source = msg;
  auto r = send_in_loop(p);
  ASSERT_TRUE(r) << r.describe();
  auto m = server.messages().at(0);
  EXPECT_EQ(m.get("subject"),
            "Gr\xc3\xbc\xc3\x9f"
            "e \xe2\x9c\x93");  // Python's email decodes it
  EXPECT_TRUE(std::all_of(m.data.begin(), m.data.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80;
  })) << "no 8-bit byte on the wire";
  EXPECT_TRUE(m.all("option").empty()) << "no SMTPUTF8 for ASCII addresses";
}

TEST(Send, MissingFromOrRcptThrows) {
  smtp::params p{.from = "<a@b>"};
  EXPECT_THROW(smtp::send(p), std::invalid_argument);
  p = smtp::params{.rcpt = "<a@b>"};
  EXPECT_THROW(smtp::send(p), std::invalid_argument);
}

TEST(Send, MultipartWithBinaryAttachmentParsesBack) {
  aiosmtpd server;
  std::string binary;
  for (int i = 0; i < 100000; ++i) binary += static_cast<char>((i * 131 + i / 7) % 256);
  binary += "\r\n.\r\n";  // a dot line inside the raw data must not matter once encoded
  auto p = to(server, "");
  p.source = smtp::message({
      .headers = {{"subject", "with attachment"}, {"from", "sender@example.org"}},
      .body =
          smtp::multipart{
              .preamble = "This is a MIME message.",
              .parts = {{.headers = {{"content-type", "text/plain; charset=us-ascii"}},
                         .body = "See attached.\r\n"},
                        smtp::attachment("data.bin", "application/octet-stream", binary)},
              .epilogue = "the end"},
  });
  auto r = send_in_loop(p);
  ASSERT_TRUE(r) << r.describe();
  auto m = server.messages().at(0);
  EXPECT_EQ(m.get("subject"), "with attachment");
  EXPECT_EQ(m.all("attachment"), std::vector<std::string>{"data.bin\tapplication/octet-stream\t" +
                                                          std::to_string(binary.size()) + "\t" +
                                                          sha256(binary) + "\tNone"});
}

TEST(Send, AuthLogin) {
  aiosmtpd server({.user = "alice", .password = "s3cret"});
  auto p = to(server, "Subject: auth\r\n\r\nhi\r\n");
  p.user = "alice";
  p.password = "s3cret";
  auto r = send_in_loop(p);
  ASSERT_TRUE(r) << r.describe();
  EXPECT_EQ(server.messages().at(0).get("login"), "alice");
}

TEST(Send, AuthPlainWhenLoginIsNotOffered) {
  aiosmtpd server({.user = "bob", .password = "pw", .exclude_auth = {"LOGIN"}});
  auto p = to(server, "Subject: auth\r\n\r\nhi\r\n");
  p.user = "bob";
  p.password = "pw";
  auto r = send_in_loop(p);
  ASSERT_TRUE(r) << r.describe();
  EXPECT_EQ(server.messages().at(0).get("login"), "bob");
}

TEST(Send, BadCredentials) {
  aiosmtpd server({.user = "alice", .password = "s3cret"});
  auto p = to(server, "x\r\n");
  p.user = "alice";
  p.password = "wrong";
  auto r = send_in_loop(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.where().phase, "AUTH");
  EXPECT_EQ(r.error().message(), "535 5.7.8 Authentication credentials invalid");
  EXPECT_TRUE(server.messages().empty());
  EXPECT_EQ(server.quits(), 1);
}

TEST(Send, StartTlsVerified) {
  aiosmtpd server({.mode = "starttls", .user = "alice", .password = "s3cret"});
  auto p = to(server, "Subject: tls\r\n\r\nsecret\r\n");
  p.server = "localhost";
  p.tls = smtp::security::starttls;
  p.tls_settings = copas::tls_params{.mode = "client", .cafile = server.cafile()};
  p.user = "alice";
  p.password = "s3cret";
  auto r = send_in_loop(p);
  ASSERT_TRUE(r) << r.describe();
  auto m = server.messages().at(0);
  EXPECT_EQ(m.get("tls"), "1");
  EXPECT_EQ(m.get("login"), "alice");
  EXPECT_EQ(m.data, "Subject: tls\r\n\r\nsecret\r\n");
}

TEST(Send, StartTlsRefusesAnUntrustedCertificate) {
  aiosmtpd server({.mode = "starttls"});
  auto p = to(server, "x\r\n");
  p.tls = smtp::security::starttls;  // system CAs: the self-signed test certificate is unknown
  auto r = send_in_loop(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.where().phase, "TLS");
  EXPECT_EQ(r.error(), copas::errc::handshake_failed);
  EXPECT_EQ(r.error().message().rfind("TLS/SSL handshake failed: certificate verify failed", 0), 0u)
      << r.error().message();
  EXPECT_TRUE(server.messages().empty());
}

TEST(Send, StartTlsInsecure) {
  aiosmtpd server({.mode = "starttls"});
  auto p = to(server, "x\r\n");
  p.tls = smtp::security::starttls;
  p.tls_settings = copas::tls_params{.mode = "client", .verify = {"none"}};
  auto r = send_in_loop(p);
  ASSERT_TRUE(r) << r.describe();
  EXPECT_EQ(server.messages().at(0).get("tls"), "1");
}

TEST(Send, StartTlsNotOffered) {
  aiosmtpd server;
  auto p = to(server, "x\r\n");
  p.tls = smtp::security::starttls;
  auto r = send_in_loop(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "STARTTLS not supported");
  EXPECT_EQ(r.where().phase, "STARTTLS");
}

TEST(Send, ImplicitTls) {
  aiosmtpd server({.mode = "smtps"});
  auto p = to(server, "Subject: smtps\r\n\r\nhi\r\n");
  p.server = "localhost";
  p.tls = smtp::security::smtps;
  p.tls_settings = copas::tls_params{.mode = "client", .cafile = server.cafile()};
  auto r = send_in_loop(p);
  ASSERT_TRUE(r) << r.describe();
  EXPECT_EQ(server.messages().at(0).get("tls"), "1");
}

TEST(Send, SmtpUtf8WhenOffered) {
  aiosmtpd server({.smtputf8 = true});
  auto p = to(server, "Subject: utf8\r\n\r\nhi\r\n");
  p.from = "<j\xc3\xb6rg@example.org>";
  p.eightbit = true;
  auto r = send_in_loop(p);
  ASSERT_TRUE(r) << r.describe();
  auto options = server.messages().at(0).all("option");
  EXPECT_EQ(options, (std::vector<std::string>{"BODY=8BITMIME", "SMTPUTF8"}));
}

TEST(Send, SmtpUtf8NotOffered) {
  aiosmtpd server;
  auto p = to(server, "x\r\n");
  p.rcpt = "<j\xc3\xb6rg@example.org>";
  auto r = send_in_loop(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "SMTPUTF8 not supported");
  EXPECT_EQ(server.quits(), 1);
}

TEST(Send, NoOptionsUnlessAsked) {
  aiosmtpd server({.smtputf8 = true});
  ASSERT_TRUE(send_in_loop(to(server, "x\r\n")));
  EXPECT_TRUE(server.messages().at(0).all("option").empty());
}

TEST(Send, ConnectionRefused) {
  std::uint16_t port;
  {
    auto s = copas::bind("127.0.0.1", 0).value();
    port = s.getsockname().value().port;
    s.close();
  }
  auto r = send_in_loop({.from = "<a@b>", .rcpt = "<c@d>", .server = "127.0.0.1", .port = port});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "connection refused");
  EXPECT_EQ(r.where().phase, "connect");
}

TEST(Send, UnresolvableServerGivesTheSocketError) {
  // A name server on loopback answering every query with NXDOMAIN: no query leaves the machine.
  std::string via_socket, via_smtp;
  copas::loop([&] {
    auto ns = copas::test::fake_dns();
    const auto ns_address = copas::test::nameserver_address(ns);
    copas::dns::set_nameservers({ns_address});
    auto s = copas::wrap(copas::tcp());
    via_socket = s.connect("no-such-host.invalid", 25).error().message();
    s.close();
    auto r = smtp::send({.from = "<a@b>", .rcpt = "<c@d>", .server = "no-such-host.invalid"});
    via_smtp = r.error().message();
    copas::dns::set_nameservers({});
    ns.close();
  });
  EXPECT_EQ(via_socket, "host not found: no-such-host.invalid");
  EXPECT_EQ(via_smtp, via_socket);
}
