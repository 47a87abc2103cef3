// copas-fetch's ftp_fetch (tools/fetch/ftp_fetch.hpp), the ftp:// transfer: downloads, uploads,
// listings, progress, and curl's exit codes.
#include "ftp_fetch.hpp"
#include "fake_server.hpp"
#include "ftp_test.hpp"

namespace ftp = copas::ftp;
using copas::fetch::ftp_fetch;
using copas::test::ftp_server;
using copas::test::run;

namespace {

class FtpFetch : public ::testing::Test {
 protected:
  ftp_server server;
};

struct progress_log {
  std::vector<std::pair<std::uint64_t, std::optional<std::uint64_t>>> calls;
  copas::fetch::progress_function fn() {
    return [this](std::uint64_t now, std::optional<std::uint64_t> total) {
      calls.emplace_back(now, total);
    };
  }
};

}  // namespace

TEST_F(FtpFetch, DownloadWithProgressAndTotal) {
  const std::string body = copas::test::random_bytes(1 << 20, 5);
  copas::test::write_file(server.root / "f.bin", body);
  run([&] {
    std::vector<std::string> parts;
    progress_log p;
    auto out = ftp_fetch({.url = server.url("/f.bin"),
                          .sink = copas::ltn12::sink::table(parts),
                          .progress = p.fn()});
    ASSERT_TRUE(out.ok()) << out.describe();
    EXPECT_EQ(out.exit_code, 0);
    EXPECT_EQ(out.bytes, body.size());
    EXPECT_EQ(out.expected, body.size());
    EXPECT_EQ(copas::test::join(parts), body);
    ASSERT_FALSE(p.calls.empty());
    EXPECT_EQ(p.calls.back().first, body.size());
    EXPECT_EQ(p.calls.back().second, body.size());
    for (std::size_t i = 1; i < p.calls.size(); ++i)
      EXPECT_GT(p.calls[i].first, p.calls[i - 1].first);
  });
}

TEST_F(FtpFetch, UploadThenDownload) {
  const std::string body = copas::test::random_bytes(300000, 9);
  run([&] {
    progress_log p;
    auto up = ftp_fetch({.url = server.url("/up.bin", "user:secret"),
                         .upload = copas::ltn12::source::string(body),
                         .upload_size = body.size(),
                         .progress = p.fn()});
    ASSERT_TRUE(up.ok()) << up.describe();
    EXPECT_EQ(up.bytes, body.size());
    ASSERT_FALSE(p.calls.empty());
    EXPECT_EQ(p.calls.back().first, body.size());
    std::vector<std::string> parts;
    auto down = ftp_fetch({.url = server.url("/up.bin"), .sink = copas::ltn12::sink::table(parts)});
    ASSERT_TRUE(down.ok()) << down.describe();
    EXPECT_EQ(copas::test::sha256(copas::test::join(parts)), copas::test::sha256(body));
  });
}

// A listing goes in ASCII mode (TYPE A, as curl) and is printed with LF line ends.
TEST_F(FtpFetch, DirectoryUrlListsWithLfLineEnds) {
  copas::test::write_file(server.root / "d/x.txt", "x");
  run([&] {
    std::vector<std::string> parts;
    auto out = ftp_fetch(
        {.url = server.url("/d/"), .sink = copas::ltn12::sink::table(parts), .list_only = true});
    ASSERT_TRUE(out.ok()) << out.describe();
    EXPECT_EQ(copas::test::join(parts), "x.txt\n");
  });
}

TEST_F(FtpFetch, LoginDeniedIs67) {
  run([&] {
    auto out = ftp_fetch({.url = server.url("/f", "user:bad"), .sink = copas::ltn12::sink::null()});
    EXPECT_EQ(out.exit_code, 67);
    EXPECT_EQ(out.failed_in, ftp::phase::login);
    EXPECT_EQ(out.describe(), "ftp://127.0.0.1:" + std::to_string(server.port) +
                                  ": login: 530 Authentication failed.");
  });
}

TEST_F(FtpFetch, MissingFileIs78) {
  run([&] {
    auto out = ftp_fetch({.url = server.url("/missing.bin"), .sink = copas::ltn12::sink::null()});
    EXPECT_EQ(out.exit_code, 78);
    EXPECT_EQ(out.failed_in, ftp::phase::transfer);
    EXPECT_EQ(out.error.message(), "550 No such file or directory.");
  });
}

TEST_F(FtpFetch, UploadRefusedIs25) {
  run([&] {
    auto out =
        ftp_fetch({.url = server.url("/nope.txt"), .upload = copas::ltn12::source::string("x")});
    EXPECT_EQ(out.exit_code, 25);  // curl: upload refused, whatever the reply code
    EXPECT_EQ(out.error.message(), "550 Not enough privileges.");
  });
}

TEST_F(FtpFetch, ActiveMode) {
  copas::test::write_file(server.root / "a.bin", "active data");
  run([&] {
    std::vector<std::string> parts;
    auto out = ftp_fetch(
        {.url = server.url("/a.bin"), .sink = copas::ltn12::sink::table(parts), .active = true});
    ASSERT_TRUE(out.ok()) << out.describe();
    EXPECT_EQ(copas::test::join(parts), "active data");
  });
}

TEST_F(FtpFetch, SinkFailureIs23) {
  copas::test::write_file(server.root / "f.bin", std::string(100000, 'q'));
  run([&] {
    auto out = ftp_fetch(
        {.url = server.url("/f.bin"),
         .sink = copas::ltn12::sink::error(copas::error(copas::errc::closed, "disk full"))});
    EXPECT_EQ(out.exit_code, 23);
    EXPECT_EQ(out.error.message(), "disk full");
  });
}

TEST(FtpFetchArguments, BadUrlsAndRefusedConnection) {
  run([] {
    EXPECT_EQ(ftp_fetch({.url = "http://x/"}).exit_code, 1);
    EXPECT_EQ(ftp_fetch({.url = "ftp:///x"}).exit_code, 3);
    EXPECT_EQ(ftp_fetch({.url = "ftp://h/x;type=z"}).exit_code, 3);
    auto up =
        ftp_fetch({.url = "ftp://127.0.0.1/dir/", .upload = copas::ltn12::source::string("x")});
    EXPECT_EQ(up.exit_code, 3);
    std::uint16_t port = 0;
    {
      auto l = copas::bind("127.0.0.1", 0).value();
      port = l.getsockname().value().port;
      l.close();
    }
    auto refused = ftp_fetch({.url = "ftp://127.0.0.1:" + std::to_string(port) + "/x",
                              .sink = copas::ltn12::sink::null()});
    EXPECT_EQ(refused.exit_code, 7);
    EXPECT_EQ(refused.failed_in, ftp::phase::connect);
  });
}

TEST(FtpFetchOddPeer, ShorterThanAnnouncedIsPartial18) {
  copas::test::fake_ftp_server srv([](copas::test::fake_control& c) {
    c.login();
    c.expect("TYPE i");
    c.say("200 binary");
    c.expect("SIZE f");
    c.say("213 100");
    auto d = c.passive();
    auto data = d.accept();
    c.expect("RETR f");
    c.say("150 here");
    data.send(std::string(60, 'p'));
    data.close();
    c.say("226 (I lied about the size)");
    c.line();
  });
  run([&] {
    std::vector<std::string> parts;
    auto out = ftp_fetch({.url = srv.url("/f"), .sink = copas::ltn12::sink::table(parts)});
    EXPECT_EQ(out.exit_code, 18);
    EXPECT_EQ(out.bytes, 60u);
    EXPECT_EQ(out.expected, 100u);
    EXPECT_EQ(copas::test::join(parts).size(), 60u);
    EXPECT_NE(out.describe().find("(60 bytes of 100 transferred)"), std::string::npos)
        << out.describe();
  });
}

TEST(FtpFetchOddPeer, StalledServerIs28) {
  copas::test::fake_ftp_server srv([](copas::test::fake_control& c) {
    copas::pause(1);
    c.s.close();
  });
  run([&] {
    auto out =
        ftp_fetch({.url = srv.url("/f"), .sink = copas::ltn12::sink::null(), .timeout = 0.2});
    EXPECT_EQ(out.exit_code, 28);
    EXPECT_EQ(out.failed_in, ftp::phase::greeting);
  });
}
