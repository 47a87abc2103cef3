// get, put, command and session against a real FTP server (pyftpdlib on 127.0.0.1): the
// scenarios of LuaSocket's ftptest.lua restated for loopback, plus round trips checked by hash.
#include "ftp_test.hpp"

namespace ftp = copas::ftp;
using copas::test::ftp_server;
using copas::test::run;

namespace {

const std::string user = "user:secret";

class FtpClient : public ::testing::Test {
 protected:
  ftp_server server;
};

}  // namespace

TEST(FtpArguments, WrongSchemeAndMissingHost) {
  run([] {
    auto wrong = ftp::get("wrong://banana.com/lixo");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().message(), "wrong scheme 'wrong'");
    auto noscheme = ftp::get("localhost/dir1/index.html;type=i");
    ASSERT_FALSE(noscheme);
    EXPECT_EQ(noscheme.error().message(), "missing hostname");
    auto nocmd = ftp::command({.host = "localhost"});
    ASSERT_FALSE(nocmd);
    EXPECT_EQ(nocmd.error().message(), "missing command");
    auto nohost = ftp::command({.command = {"noop"}});
    EXPECT_EQ(nohost.error().message(), "missing hostname");
  });
}

TEST_F(FtpClient, AnonymousDownloadTypeI) {
  const std::string body = "<html>index</html>\r\n" + copas::test::random_bytes(5000);
  copas::test::write_file(server.root / "pub/index.html", body);
  run([&] {
    auto got = ftp::get(server.url("/pub/index.html;type=i"));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(copas::test::sha256(*got), copas::test::sha256(body));
  });
}

TEST_F(FtpClient, BinaryRoundTripByHash) {
  const std::string body = copas::test::random_bytes(3 * 1024 * 1024 + 17);
  run([&] {
    auto sent = ftp::put(server.url("/up/bin.dat;type=i", user), body);
    // pyftpdlib has no "up" directory yet: the refusal is the server's text.
    ASSERT_FALSE(sent);
    EXPECT_EQ(copas::tp::reply_code(sent.error()), 550) << sent.error().message();
    sent = ftp::put(server.url("/bin.dat;type=i", user), body);
    ASSERT_TRUE(sent) << sent.error().message();
    EXPECT_EQ(*sent, body.size());
    auto got = ftp::get(server.url("/bin.dat;type=i", user));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(copas::test::sha256(*got), copas::test::sha256(body));
  });
  EXPECT_EQ(copas::test::sha256(copas::test::read_file(server.root / "bin.dat")),
            copas::test::sha256(body));
}

TEST_F(FtpClient, AsciiRoundTripByHash) {
  // Network ASCII has CRLF line ends; the server stores its own (LF) and converts back.
  const std::string text = "line one\r\nline two\r\n\r\nlast line\r\n";
  run([&] {
    auto sent = ftp::put(server.url("/text.txt;type=a", user), text);
    ASSERT_TRUE(sent) << sent.error().message();
    auto got = ftp::get(server.url("/text.txt;type=a", user));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(copas::test::sha256(*got), copas::test::sha256(text));
  });
  EXPECT_EQ(copas::test::read_file(server.root / "text.txt"), "line one\nline two\n\nlast line\n");
}

TEST_F(FtpClient, Download50MiBIntoASinkByHash) {
  const std::string body = copas::test::random_bytes(50 * 1024 * 1024, 7);
  copas::test::write_file(server.root / "big.bin", body);
  const std::string want = copas::test::sha256(body);
  run([&] {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    std::uint64_t bytes = 0;
    bool ended = false;
    auto ok = ftp::get({.url = server.url("/big.bin"),
                        .type = "i",
                        .sink = [&](copas::ltn12::chunk c,
                                    const std::optional<copas::error>&) -> copas::result<void> {
                          if (!c) {
                            ended = true;
                            return {};
                          }
                          bytes += c->size();
                          EVP_DigestUpdate(ctx, c->data(), c->size());
                          return {};
                        }});
    ASSERT_TRUE(ok) << ok.error().message();
    EXPECT_TRUE(ended);
    EXPECT_EQ(bytes, body.size());
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    EVP_MD_CTX_free(ctx);
    EXPECT_EQ(copas::test::sha256(body), want);
    std::string hex;
    for (unsigned i = 0; i < len; ++i) {
      char b[3];
      std::snprintf(b, sizeof b, "%02x", md[i]);
      hex += b;
    }
    EXPECT_EQ(hex, want);
  });
}

TEST_F(FtpClient, UploadThenDownloadIdenticalWithStructForms) {
  const std::string body = copas::test::random_bytes(100000, 3);
  run([&] {
    auto sent = ftp::put({.host = "127.0.0.1",
                          .port = server.port,
                          .user = "user",
                          .password = "secret",
                          .path = "/struct.bin",
                          .type = "i",
                          .source = copas::ltn12::source::string(body)});
    ASSERT_TRUE(sent) << sent.error().message();
    EXPECT_EQ(*sent, body.size());
    std::vector<std::string> parts;
    auto ok = ftp::get({.host = "127.0.0.1",
                        .port = server.port,
                        .path = "/struct.bin",
                        .type = "i",
                        .sink = copas::ltn12::sink::table(parts)});
    ASSERT_TRUE(ok) << ok.error().message();
    EXPECT_EQ(copas::test::join(parts), body);
  });
}

TEST_F(FtpClient, AppendThroughPutCommand) {
  copas::test::write_file(server.root / "log.txt", "one\n");
  run([&] {
    auto sent = ftp::put({.url = server.url("/log.txt", user),
                          .command = "appe",
                          .type = "i",
                          .source = copas::ltn12::source::string("two\n")});
    ASSERT_TRUE(sent) << sent.error().message();
    EXPECT_EQ(*sent, 4u);
  });
  EXPECT_EQ(copas::test::read_file(server.root / "log.txt"), "one\ntwo\n");
}

TEST_F(FtpClient, EscapedPathIsUnescaped) {
  copas::test::write_file(server.root / "pub" / "#?", "hash and question mark");
  run([&] {
    auto got = ftp::get(server.url("/pub/%23%3f;type=i"));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(*got, "hash and question mark");
  });
}

TEST_F(FtpClient, ExplicitFieldsOverrideTheUrl) {
  copas::test::write_file(server.root / "secret.txt", "for user only\n");
  run([&] {
    std::vector<std::string> parts;
    auto ok = ftp::get({.url = server.url("/secret.txt;type=a", "nobody:wrong"),
                        .user = "user",
                        .password = "secret",
                        .type = "i",
                        .sink = copas::ltn12::sink::table(parts)});
    ASSERT_TRUE(ok) << ok.error().message();
    EXPECT_EQ(copas::test::join(parts), "for user only\n");
  });
}

TEST_F(FtpClient, DeleteThroughCommandWithCheck) {
  copas::test::write_file(server.root / "gone.txt", "x");
  run([&] {
    auto ok = ftp::command({.url = server.url("/", user),
                            .command = {"dele"},
                            .argument = {"gone.txt"},
                            .check = {250}});
    ASSERT_TRUE(ok) << ok.error().message();
    auto again = ftp::command({.url = server.url("/", user),
                               .command = {"dele"},
                               .argument = {"gone.txt"},
                               .check = {250}});
    ASSERT_FALSE(again);
    EXPECT_EQ(copas::tp::reply_code(again.error()), 550);
  });
  EXPECT_FALSE(std::filesystem::exists(server.root / "gone.txt"));
}

TEST_F(FtpClient, SeveralCommandsInOneSession) {
  run([&] {
    auto ok = ftp::command({.url = server.url("/", user),
                            .command = {"mkd", "rnfr", "rnto"},
                            .argument = {"d1", "d1", "d2"},
                            .check = {257, 350, "2.."}});
    ASSERT_TRUE(ok) << ok.error().message();
  });
  EXPECT_TRUE(std::filesystem::is_directory(server.root / "d2"));
}

TEST_F(FtpClient, UploadDeniedReturnsTheServersReply) {
  run([&] {
    auto sent = ftp::put(server.url("/denied.txt"), "anonymous may not write");
    ASSERT_FALSE(sent);
    EXPECT_EQ(sent.error(), copas::tp::errc::unexpected_reply);
    EXPECT_EQ(sent.error().message(), "550 Not enough privileges.");
  });
  EXPECT_FALSE(std::filesystem::exists(server.root / "denied.txt"));
}

TEST_F(FtpClient, WrongPasswordReturnsTheServersReply) {
  run([&] {
    auto got = ftp::get(server.url("/x", "user:wrong"));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message(), "530 Authentication failed.");
    EXPECT_EQ(copas::tp::reply_code(got.error()), 530);
  });
}

TEST_F(FtpClient, MissingFileReturnsTheServersReply) {
  run([&] {
    auto got = ftp::get(server.url("/no/such/file.txt"));
    ASSERT_FALSE(got);
    EXPECT_EQ(copas::tp::reply_code(got.error()), 550);
    EXPECT_EQ(got.error().message(), "550 No such file or directory.");
  });
}

TEST_F(FtpClient, NlstListingThroughGet) {
  copas::test::write_file(server.root / "dir/a.txt", "a");
  copas::test::write_file(server.root / "dir/b.txt", "b");
  run([&] {
    std::vector<std::string> parts;
    auto ok = ftp::get(
        {.url = server.url("/dir"), .command = "nlst", .sink = copas::ltn12::sink::table(parts)});
    ASSERT_TRUE(ok) << ok.error().message();
    auto listing = copas::test::join(parts);
    EXPECT_NE(listing.find("a.txt\r\n"), std::string::npos) << listing;
    EXPECT_NE(listing.find("b.txt\r\n"), std::string::npos) << listing;
  });
}

TEST_F(FtpClient, ListThroughCommandIntoASink) {
  copas::test::write_file(server.root / "dir/listed.bin", std::string(1234, 'x'));
  run([&] {
    std::vector<std::string> parts;
    auto ok = ftp::command({.url = server.url("/", user),
                            .command = {"cwd", "list"},
                            .argument = {"dir"},
                            .check = {250},
                            .sink = copas::ltn12::sink::table(parts)});
    ASSERT_TRUE(ok) << ok.error().message();
    auto listing = copas::test::join(parts);
    EXPECT_NE(listing.find("listed.bin"), std::string::npos) << listing;
    EXPECT_NE(listing.find("1234"), std::string::npos) << listing;
  });
}

TEST_F(FtpClient, ActiveModeDownloadAndUpload) {
  const std::string body = copas::test::random_bytes(700000, 11);
  run([&] {
    auto sent = ftp::put({.url = server.url("/active.bin", user),
                          .type = "i",
                          .source = copas::ltn12::source::string(body),
                          .active = true});
    ASSERT_TRUE(sent) << sent.error().message();
    std::vector<std::string> parts;
    auto ok = ftp::get({.url = server.url("/active.bin", user),
                        .type = "i",
                        .sink = copas::ltn12::sink::table(parts),
                        .active = true});
    ASSERT_TRUE(ok) << ok.error().message();
    EXPECT_EQ(copas::test::sha256(copas::test::join(parts)), copas::test::sha256(body));
  });
}

TEST_F(FtpClient, SessionWithPasvEprtCwdAndSeveralTransfers) {
  copas::test::write_file(server.root / "pub/one.txt", "first");
  copas::test::write_file(server.root / "pub/two.txt", "second");
  run([&] {
    auto s = ftp::session::open("127.0.0.1", server.port).value();
    ASSERT_TRUE(s.greet());
    ASSERT_TRUE(s.login());  // anonymous
    ASSERT_TRUE(s.type("i"));
    ASSERT_TRUE(s.cwd("pub"));
    auto none = s.receive({.path = "one.txt", .sink = copas::ltn12::sink::null()});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().message(), "need port or pasv first");
    auto where = s.pasv();
    ASSERT_TRUE(where) << where.error().message();
    EXPECT_EQ(where->ip, "127.0.0.1");
    std::vector<std::string> a, b;
    ASSERT_TRUE(s.receive({.path = "one.txt", .sink = copas::ltn12::sink::table(a)}));
    EXPECT_EQ(copas::test::join(a), "first");
    EXPECT_EQ(s.bytes_transferred(), 5u);
    auto eprt = s.eprt();
    ASSERT_TRUE(eprt) << eprt.error().message();
    ASSERT_TRUE(s.receive({.path = "two.txt", .sink = copas::ltn12::sink::table(b)}));
    EXPECT_EQ(copas::test::join(b), "second");
    auto size = s.size("two.txt");
    ASSERT_TRUE(size) << size.error().message();
    EXPECT_EQ(*size, 6u);
    auto cwd = s.cwd("nowhere");
    ASSERT_FALSE(cwd);
    EXPECT_EQ(copas::tp::reply_code(cwd.error()), 550);
    EXPECT_TRUE(s.quit());
    EXPECT_TRUE(s.close());
  });
}

TEST(FtpConnect, RefusedConnection) {
  // A port that was just free: bind, read it, close.
  std::uint16_t port = 0;
  {
    auto l = copas::bind("127.0.0.1", 0).value();
    port = l.getsockname().value().port;
    l.close();
  }
  run([&] {
    auto got = ftp::get("ftp://127.0.0.1:" + std::to_string(port) + "/x");
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().message(), "connection refused");
  });
}

TEST_F(FtpClient, StepAndCreateAreUsed) {
  copas::test::write_file(server.root / "s.bin", std::string(10000, 's'));
  run([&] {
    int steps = 0, created = 0;
    std::vector<std::string> parts;
    auto ok = ftp::get({.url = server.url("/s.bin"),
                        .type = "i",
                        .sink = copas::ltn12::sink::table(parts),
                        .step =
                            [&](const copas::ltn12::source& src, const copas::ltn12::sink& snk) {
                              ++steps;
                              return copas::ltn12::pump::step(src, snk);
                            },
                        .create =
                            [&] {
                              ++created;
                              return copas::wrap(copas::tcp());
                            }});
    ASSERT_TRUE(ok) << ok.error().message();
    EXPECT_EQ(copas::test::join(parts).size(), 10000u);
    EXPECT_GE(steps, 2);    // at least one chunk and the end
    EXPECT_EQ(created, 1);  // the control connection only
  });
}
