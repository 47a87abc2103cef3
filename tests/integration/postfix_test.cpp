// copas-sendmail through a real Postfix (tests/integration/peers/postfix.sh): plain, STARTTLS,
// SMTPS, AUTH from a Cyrus sasldb, several recipients, an attachment, a UTF-8 Subject; each
// message read back from the Maildir virtual(8) delivered it to and parsed with Python's email
// package; and Postfix's own log showing the client said QUIT after a 535, a 550 and a 552.
#include "child_process.hpp"
#include "ports.hpp"
#include "real_peer.hpp"
#include "sha256.hpp"
#include "temp_dir.hpp"
#include "tls_certs.hpp"

#include <gtest/gtest.h>
#include <copas/core.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;
using copas::test::real_peer;
using copas::test::sha256;

namespace {

class Postfix : public ::testing::Test {
 protected:
  Postfix()
      : smtp_port_(copas::test::pick_port()),
        smtps_port_(copas::test::pick_port()),
        postfix_("postfix.sh",
                 {std::to_string(smtp_port_), std::to_string(smtps_port_),
                  copas::test::pki().localhost.cert, copas::test::pki().localhost.key},
                 {smtp_port_, smtps_port_}) {}

  std::string server(bool smtps = false) const {
    return "localhost:" + std::to_string(smtps ? smtps_port_ : smtp_port_);
  }

  // copas-sendmail with `body` on stdin.
  copas::test::child_result sendmail(const std::string& body, std::vector<std::string> args) {
    copas::test::temp_dir dir;
    std::string in = dir.path + "/body";
    std::ofstream(in, std::ios::binary) << body;
    args.insert(args.begin(), COPAS_SENDMAIL);
    copas::test::child_result r;
    copas::loop([&] { r = copas::test::run_child(args, in); });
    return r;
  }

  // The one message delivered to <user>@example.org, as Python's email package reads it.
  std::multimap<std::string, std::string> delivered(const std::string& user) {
    fs::path new_dir = fs::path(postfix_.dir()) / "mail" / user / "new";
    std::string file;
    bool arrived = postfix_.wait_for("maillog", [&](const std::string&) {
      std::error_code ec;
      for (auto& e : fs::directory_iterator(new_dir, ec)) file = e.path();
      return !file.empty();
    });
    EXPECT_TRUE(arrived) << "nothing delivered to " << user << "; Postfix log:\n"
                         << postfix_.read("maillog");
    if (!arrived) return {};
    copas::test::child_result r;
    copas::loop([&] { r = copas::test::run_child({COPAS_PYTHON3, COPAS_PARSE_MAIL, file}); });
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::multimap<std::string, std::string> facts;
    std::istringstream lines(r.out);
    for (std::string l; std::getline(lines, l);)
      if (auto eq = l.find('='); eq != std::string::npos)
        facts.emplace(l.substr(0, eq), l.substr(eq + 1));
    raw_ = postfix_.read(fs::relative(file, postfix_.dir()));
    return facts;
  }

  // Waits for Postfix's "disconnect from ..." line of the session and returns it.
  std::string disconnect_line() {
    std::string line;
    bool seen = postfix_.wait_for("maillog", [&](const std::string& log) {
      std::smatch m;
      if (!std::regex_search(
              log, m, std::regex("postfix/smtpd\\[[0-9]+\\]: disconnect from [^\n]* ehlo=[^\n]*")))
        return false;
      line = m[0];
      return true;
    });
    EXPECT_TRUE(seen) << postfix_.read("maillog");
    return line;
  }

  // Postfix's "lost connection after RCPT" (or AUTH, DATA...): the client closed without QUIT.
  // After CONNECT is the launcher's readiness probe.
  bool dropped_without_quit() {
    return std::regex_search(postfix_.read("maillog"),
                             std::regex("lost connection after (?!CONNECT)"));
  }

  std::uint16_t smtp_port_, smtps_port_;
  real_peer postfix_;
  std::string raw_;  // the delivered file, as stored
};

std::string get(const std::multimap<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? "" : it->second;
}

const char* const UTF8_SUBJECT =
    "Gr\xc3\xbc\xc3\x9f"
    "e \xe2\x9c\x93";

}  // namespace

TEST_F(Postfix, PlainTextDeliveredToTheMaildirWithOurMessageId) {
  auto r =
      sendmail("Hello Postfix\nsecond line\n", {"--server", server(), "--from", "me@example.org",
                                                "--to", "a@example.org", "--subject", "plain"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto m = delivered("a");
  EXPECT_EQ(get(m, "subject"), "plain");
  EXPECT_EQ(get(m, "text"), "Hello Postfix\\nsecond line\\n");
  // Ours ("<time.random@host>"), not the one Postfix's cleanup adds to a message without one.
  EXPECT_TRUE(std::regex_match(get(m, "message-id"),
                               std::regex("<[0-9a-f]+\\.[0-9a-f]{16}@[-.A-Za-z0-9]+>")))
      << get(m, "message-id");
  EXPECT_EQ(raw_.find("@mail.example.org>"), std::string::npos) << raw_;
  EXPECT_NE(disconnect_line().find(" quit=1 "), std::string::npos);
}

TEST_F(Postfix, AGivenMessageIdIsKept) {
  auto r = sendmail("x\n", {"--server", server(), "--from", "me@example.org", "--to",
                            "a@example.org", "-H", "Message-ID: <mine.1@example.org>"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(get(delivered("a"), "message-id"), "<mine.1@example.org>");
}

TEST_F(Postfix, StartTlsWithAuthFromTheSasldb) {
  auto r = sendmail("over TLS\n", {"--server", server(), "--from", "me@example.org", "--to",
                                   "b@example.org", "--starttls", "--cacert", copas::test::pki().ca,
                                   "--user", "alice", "--password", "s3cret pass"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(get(delivered("b"), "text"), "over TLS\\n");
  auto log = postfix_.read("maillog");
  EXPECT_NE(log.find("TLS connection established from"), std::string::npos) << log;
  EXPECT_NE(log.find("sasl_method=LOGIN, sasl_username=alice@example.org"), std::string::npos)
      << log;
  EXPECT_NE(disconnect_line().find("ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1"),
            std::string::npos);
}

TEST_F(Postfix, SmtpsFromTheFirstByte) {
  auto r =
      sendmail("implicit TLS\n", {"--server", server(true), "--from", "me@example.org", "--to",
                                  "c@example.org", "--smtps", "--cacert", copas::test::pki().ca});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(get(delivered("c"), "text"), "implicit TLS\\n");
  EXPECT_NE(postfix_.read("maillog").find("TLS connection established from"), std::string::npos);
}

TEST_F(Postfix, AuthWithoutTls) {
  auto r = sendmail("x\n", {"--server", server(), "--from", "me@example.org", "--to",
                            "a@example.org", "--user", "alice", "--password", "s3cret pass"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  delivered("a");
  EXPECT_NE(postfix_.read("maillog").find("sasl_username=alice@example.org"), std::string::npos);
}

TEST_F(Postfix, ThreeRecipients) {
  auto r =
      sendmail("to three\n", {"--server", server(), "--from", "me@example.org", "--to",
                              "a@example.org", "--to", "b@example.org", "--to", "c@example.org"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* user : {"a", "b", "c"}) {
    auto m = delivered(user);
    EXPECT_EQ(get(m, "text"), "to three\\n") << user;
    EXPECT_EQ(get(m, "to"), "a@example.org, b@example.org, c@example.org") << user;
  }
}

TEST_F(Postfix, AnAttachmentParsesBack) {
  copas::test::temp_dir dir;
  std::string file = dir.path + "/data.bin", blob;
  for (int i = 0; i < 30000; ++i) blob += static_cast<char>((i * 7) % 256);
  std::ofstream(file, std::ios::binary) << blob;
  auto r = sendmail("see attached\n", {"--server", server(), "--from", "me@example.org", "--to",
                                       "a@example.org", "--attach", file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto m = delivered("a");
  EXPECT_EQ(get(m, "text"), "see attached\\n");
  EXPECT_EQ(get(m, "attachment"), "data.bin\tapplication/octet-stream\t30000\t" + sha256(blob));
}

TEST_F(Postfix, AUtf8SubjectAndBodyParseBack) {
  auto r = sendmail(std::string("Gr\xc3\xbc\xc3\x9f"
                                "e aus K\xc3\xb6ln\n"),
                    {"--server", server(), "--from", "me@example.org", "--to", "a@example.org",
                     "--subject", UTF8_SUBJECT});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto m = delivered("a");
  EXPECT_EQ(get(m, "subject"), UTF8_SUBJECT);
  EXPECT_EQ(get(m, "charset"), "utf-8");
  EXPECT_EQ(get(m, "text"),
            "Gr\xc3\xbc\xc3\x9f"
            "e aus K\xc3\xb6ln\\n");
  EXPECT_NE(raw_.find("Subject: =?UTF-8?B?"), std::string::npos) << "RFC 2047 on the wire:\n"
                                                                 << raw_;
}

TEST_F(Postfix, QuitAfter535) {
  auto r = sendmail("x\n", {"--server", server(), "--from", "me@example.org", "--to",
                            "a@example.org", "--user", "alice", "--password", "wrong"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(" AUTH: 535 5.7.8 "), std::string::npos) << r.err;
  auto line = disconnect_line();
  EXPECT_NE(line.find(" auth=0/1 quit=1 "), std::string::npos) << line;
  EXPECT_FALSE(dropped_without_quit()) << postfix_.read("maillog");
}

TEST_F(Postfix, QuitAfter550) {
  auto r = sendmail("x\n", {"--server", server(), "--from", "me@example.org", "--to",
                            "a@example.org", "--to", "nobody-here@example.org"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(" RCPT TO: 550 5.1.1 <nobody-here@example.org>: Recipient address rejected"),
            std::string::npos)
      << r.err;
  auto line = disconnect_line();
  EXPECT_NE(line.find(" rcpt=1/2 quit=1 "), std::string::npos) << line;
  EXPECT_FALSE(dropped_without_quit()) << postfix_.read("maillog");
}

TEST_F(Postfix, QuitAfter552) {
  std::string big;
  while (big.size() < 150000) big += std::string(70, 'z') + "\n";
  auto r =
      sendmail(big, {"--server", server(), "--from", "me@example.org", "--to", "a@example.org"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(" end of data: 552 5.3.4 "), std::string::npos)
      << r.err;  // "message file too big"
  auto line = disconnect_line();
  EXPECT_NE(line.find(" data=0/1 quit=1 "), std::string::npos) << line;
  EXPECT_FALSE(dropped_without_quit()) << postfix_.read("maillog");
}
