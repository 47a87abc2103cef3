// copas-sendmail as a user runs it, against aiosmtpd on 127.0.0.1.
#include "aiosmtpd.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using copas::test::aiosmtpd;

namespace {

struct sendmail_run {
  int status;
  std::string errors;
};

sendmail_run sendmail(const std::string& body, std::vector<std::string> args) {
  copas::test::temp_dir dir;
  std::string in = dir.path + "/body", err = dir.path + "/err";
  std::ofstream(in, std::ios::binary) << body;
  args.insert(args.begin(), COPAS_SENDMAIL);
  int status = copas::test::run(args, in, err);
  std::ifstream e(err);
  std::ostringstream s;
  s << e.rdbuf();
  return {status, s.str()};
}

std::string server_of(const aiosmtpd& s, const char* host = "127.0.0.1") {
  return std::string(host) + ":" + std::to_string(s.port());
}

}  // namespace

TEST(Sendmail, PlainTextFromStdin) {
  aiosmtpd server;
  auto r = sendmail("Hello\nsecond line\n",
                    {"--server", server_of(server), "--from", "me@example.org", "--to",
                     "a@example.org", "--to", "b@example.org", "--subject", "from the tool"});
  ASSERT_EQ(r.status, 0) << r.errors;
  auto m = server.messages().at(0);
  EXPECT_EQ(m.get("mail_from"), "me@example.org");
  EXPECT_EQ(m.all("rcpt"), (std::vector<std::string>{"a@example.org", "b@example.org"}));
  EXPECT_EQ(m.get("subject"), "from the tool");
  EXPECT_NE(m.data.find("To: a@example.org, b@example.org\r\n"), std::string::npos);
  EXPECT_NE(m.data.find("Content-Type: text/plain; charset=us-ascii\r\n"), std::string::npos);
  EXPECT_EQ(m.data.substr(m.data.find("\r\n\r\n") + 4), "Hello\r\nsecond line\r\n");
}

TEST(Sendmail, AttachmentOverStartTlsWithAuth) {
  aiosmtpd server({.mode = "starttls", .user = "u", .password = "p"});
  copas::test::temp_dir dir;
  std::string file = dir.path + "/blob.bin", blob;
  for (int i = 0; i < 5000; ++i) blob += static_cast<char>(i % 251);
  std::ofstream(file, std::ios::binary) << blob;
  auto r = sendmail("see attachment\n",
                    {"--server", server_of(server, "localhost"), "--from", "me@example.org", "--to",
                     "a@example.org", "--attach", file, "--user", "u", "--password", "p",
                     "--starttls", "--cacert", server.cafile()});
  ASSERT_EQ(r.status, 0) << r.errors;
  auto m = server.messages().at(0);
  EXPECT_EQ(m.get("tls"), "1");
  EXPECT_EQ(m.get("login"), "u");
  auto a = m.get("attachment");
  EXPECT_EQ(a.substr(0, a.find('\t')), "blob.bin");
  EXPECT_NE(a.find("\t5000\t"), std::string::npos);
}

TEST(Sendmail, RefusedRecipientExitsNonZeroWithTheReply) {
  aiosmtpd server;
  auto r = sendmail("x\n", {"--server", server_of(server), "--from", "me@example.org", "--to",
                            "refused@example.org"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.errors,
            "copas-sendmail: smtp 127.0.0.1:" + std::to_string(server.port()) +
                " RCPT TO: 550 5.1.1 <refused@example.org>: Recipient address rejected\n");
  EXPECT_TRUE(server.messages().empty());
}

TEST(Sendmail, UntrustedCertificateUnlessInsecure) {
  aiosmtpd server({.mode = "smtps"});
  auto refused = sendmail("x\n", {"--server", server_of(server), "--from", "me@example.org", "--to",
                                  "a@example.org", "--smtps"});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.errors.find(" TLS: TLS/SSL handshake failed: certificate verify failed"),
            std::string::npos)
      << refused.errors;
  auto ok = sendmail("x\n", {"--server", server_of(server), "--from", "me@example.org", "--to",
                             "a@example.org", "--smtps", "-k"});
  EXPECT_EQ(ok.status, 0) << ok.errors;
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST(Sendmail, BadArguments) {
  EXPECT_EQ(sendmail("", {"--from", "a@b", "--to", "c@d"}).status, 2);  // no --server
  EXPECT_EQ(sendmail("", {"--server", "h:99999", "--from", "a@b", "--to", "c@d"}).status, 2);
  EXPECT_EQ(sendmail("", {"--server", "h", "--from", "a@b", "--to", "c@d", "--starttls", "--smtps"})
                .status,
            2);
}
