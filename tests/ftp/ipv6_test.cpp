// copas::ftp over IPv6: pyftpdlib listening on [::1], data connections by EPSV (passive) and
// EPRT (active) -- PASV and PORT cannot name an IPv6 address. No skipping: a machine without
// ::1 on loopback fails here, loudly.
#include "ftp_test.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

namespace ftp = copas::ftp;
using copas::test::ftp_server;
using copas::test::run;

namespace {

const std::string user = "user:secret";

// True when a TCP socket can bind [::1] (what `ip -6 addr show lo` lists as ::1/128).
bool loopback_v6_exists() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

class FtpIpv6 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(loopback_v6_exists())
        << "::1 is not configured on this machine (ip -6 addr show lo): "
           "the IPv6 FTP tests cannot run";
  }
  ftp_server server{"::1"};
};

}  // namespace

TEST_F(FtpIpv6, UrlNamesTheBracketedAddress) {
  EXPECT_EQ(server.url("/f", user),
            "ftp://user:secret@[::1]:" + std::to_string(server.port) + "/f");
}

TEST_F(FtpIpv6, PassiveIsEpsvToTheControlPeer) {
  const std::string body = copas::test::random_bytes(1024 * 1024 + 7, 61);
  copas::test::write_file(server.root / "v6.bin", body);
  run([&] {
    auto s = ftp::session::open("::1", server.port).value();
    ASSERT_TRUE(s.greet());
    ASSERT_TRUE(s.login());
    ASSERT_TRUE(s.type("i"));
    auto where = s.epsv();
    ASSERT_TRUE(where) << where.error().message();
    EXPECT_EQ(where->ip, "::1");
    EXPECT_EQ(where->family, "inet6");
    std::vector<std::string> parts;
    auto got = s.receive({.path = "v6.bin", .sink = copas::ltn12::sink::table(parts)});
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(copas::test::sha256(copas::test::join(parts)), copas::test::sha256(body));
    // PASV has no way to name an IPv6 address: pyftpdlib refuses it on an IPv6 connection, and
    // passive() does not fall back to it there.
    auto pasv = s.pasv();
    ASSERT_FALSE(pasv);
    EXPECT_EQ(pasv.error(), copas::tp::errc::unexpected_reply);
    EXPECT_TRUE(s.quit());
  });
}

TEST_F(FtpIpv6, PassiveUploadThenDownloadByHash) {
  const std::string body = copas::test::random_bytes(3 * 1024 * 1024 + 1, 62);
  run([&] {
    auto sent = ftp::put(server.url("/up6.bin;type=i", user), body);
    ASSERT_TRUE(sent) << sent.error().message();
    EXPECT_EQ(*sent, body.size());
    auto got = ftp::get(server.url("/up6.bin;type=i"));
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(copas::test::sha256(*got), copas::test::sha256(body));
  });
  EXPECT_EQ(copas::test::sha256(copas::test::read_file(server.root / "up6.bin")),
            copas::test::sha256(body));
}

TEST_F(FtpIpv6, ActiveIsEprtAndPortIsRefusedLocally) {
  copas::test::write_file(server.root / "a6.txt", "active over IPv6");
  run([&] {
    auto s = ftp::session::open("::1", server.port).value();
    ASSERT_TRUE(s.greet());
    ASSERT_TRUE(s.login());
    auto port = s.port();
    ASSERT_FALSE(port);
    EXPECT_EQ(port.error().message(), "PORT takes IPv4 addresses only; use EPRT");
    auto eprt = s.eprt();
    ASSERT_TRUE(eprt) << eprt.error().message();
    std::vector<std::string> parts;
    auto got = s.receive({.path = "a6.txt", .sink = copas::ltn12::sink::table(parts)});
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(copas::test::join(parts), "active over IPv6");
    EXPECT_TRUE(s.quit());
  });
}

TEST_F(FtpIpv6, ActiveUploadThenDownloadByHash) {
  const std::string body = copas::test::random_bytes(2 * 1024 * 1024 + 3, 63);
  run([&] {
    auto sent = ftp::put({.url = server.url("/act6.bin", user),
                          .type = "i",
                          .source = copas::ltn12::source::string(body),
                          .active = true});
    ASSERT_TRUE(sent) << sent.error().message();
    std::vector<std::string> parts;
    auto got = ftp::get({.url = server.url("/act6.bin", user),
                         .type = "i",
                         .sink = copas::ltn12::sink::table(parts),
                         .active = true});
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_EQ(copas::test::sha256(copas::test::join(parts)), copas::test::sha256(body));
  });
}

TEST_F(FtpIpv6, ListingOverEpsv) {
  copas::test::write_file(server.root / "d6/one.txt", "1");
  copas::test::write_file(server.root / "d6/two.txt", "2");
  run([&] {
    std::vector<std::string> parts;
    auto ok = ftp::get(
        {.url = server.url("/d6"), .command = "nlst", .sink = copas::ltn12::sink::table(parts)});
    ASSERT_TRUE(ok) << ok.error().message();
    const auto listing = copas::test::join(parts);
    EXPECT_NE(listing.find("one.txt\r\n"), std::string::npos) << listing;
    EXPECT_NE(listing.find("two.txt\r\n"), std::string::npos) << listing;
  });
}
