// copas-fetch against proftpd and vsftpd (the FTP servers people run; launchers peers/proftpd.sh,
// peers/vsftpd.sh), and against a proftpd that refuses EPSV (the client falls back to PASV),
// each case compared with curl on the same command line (same_as_curl.hpp).
#include "ports.hpp"
#include "real_peer.hpp"
#include "same_as_curl.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

using copas::test::expect_same_as_curl;
using copas::test::real_peer;

namespace {

enum class ftp_server { proftpd, vsftpd, proftpd_without_epsv };

std::string name_of(ftp_server s) {
  switch (s) {
    case ftp_server::proftpd: return "proftpd";
    case ftp_server::vsftpd: return "vsftpd";
    case ftp_server::proftpd_without_epsv: return "proftpd without EPSV";
  }
  return "?";
}

class RealFtpServer : public ::testing::TestWithParam<ftp_server> {
 protected:
  RealFtpServer() : port_(copas::test::pick_port()) {
    auto p = std::to_string(port_);
    switch (GetParam()) {
      case ftp_server::proftpd:
        peer_ = std::make_unique<real_peer>("proftpd.sh", std::vector<std::string>{p},
                                            std::vector{port_});
        break;
      case ftp_server::proftpd_without_epsv:
        peer_ = std::make_unique<real_peer>("proftpd.sh", std::vector<std::string>{p, "no-epsv"},
                                            std::vector{port_});
        break;
      case ftp_server::vsftpd:
        peer_ = std::make_unique<real_peer>(
            "vsftpd.sh", std::vector<std::string>{p, COPAS_UNPACKED_DEBS "/vsftpd/usr/sbin/vsftpd"},
            std::vector{port_});
        break;
    }
  }

  bool is_proftpd() const { return GetParam() != ftp_server::vsftpd; }
  std::string url(const std::string& path, const std::string& userinfo = "") const {
    return "ftp://" + userinfo + "127.0.0.1:" + std::to_string(port_) + path;
  }
  void same(const std::vector<std::string>& args, int curl_exit = 0,
            const std::function<void()>& between = {}) const {
    expect_same_as_curl(name_of(GetParam()), args, curl_exit, between);
  }
  // proftpd's command log ("COMMAND ARGS" lines): what the clients sent.
  std::string commands() const { return peer_->read("commands.log"); }

  std::uint16_t port_;
  std::unique_ptr<real_peer> peer_;
};

}  // namespace

TEST_P(RealFtpServer, AnonymousDownload) {
  same({url("/pub/hello.txt")});
  if (GetParam() == ftp_server::proftpd) {
    EXPECT_EQ(peer_->count("commands.log", "EPSV", 2), 2u) << commands();
  }
  if (GetParam() == ftp_server::proftpd_without_epsv) {
    EXPECT_EQ(peer_->count("commands.log", "EPSV", 2), 2u) << commands();
    EXPECT_EQ(peer_->count("commands.log", "PASV", 2), 2u) << "the fallback, curl's and ours:\n"
                                                           << commands();
  }
}

TEST_P(RealFtpServer, AnonymousBinaryDownload) { same({url("/pub/big.bin")}); }

TEST_P(RealFtpServer, UserDownload) { same({url("/hello.txt", "plain:secret@")}); }

TEST_P(RealFtpServer, PercentEncodedCredentials) {
  same({url("/hello.txt", "me%40example.com:p%40ss%20word@")});
}

TEST_P(RealFtpServer, CredentialsWithDashU) {
  same({"-u", "me@example.com:p@ss word", url("/hello.txt")});
}

TEST_P(RealFtpServer, DirectoryListing) {
  same({url("/pub/")});
  // TYPE's argument is case-insensitive (RFC 959 5.3): curl sends "A", copas-fetch "a".
  if (is_proftpd()) {
    EXPECT_EQ(peer_->count("commands.log", "TYPE A", 1) + peer_->count("commands.log", "TYPE a", 1),
              2u)
        << "a listing is ASCII, curl's and ours:\n"
        << commands();
  }
}

TEST_P(RealFtpServer, Upload) {
  copas::test::temp_dir dir;
  std::string file = dir.path + "/up.txt", content;
  for (int i = 0; i < 2000; ++i) content += "line " + std::to_string(i) + "\n";
  std::ofstream(file, std::ios::binary) << content;
  std::string stored = peer_->dir() + "/home/incoming/up.txt";
  same({"-T", file, url("/incoming/up.txt", "plain:secret@")}, 0, [&] {
    EXPECT_EQ(peer_->read("home/incoming/up.txt"), content) << "curl's upload";
    std::filesystem::remove(stored);
  });
  EXPECT_EQ(peer_->read("home/incoming/up.txt"), content) << "copas-fetch's upload";
}

TEST_P(RealFtpServer, RefusedUploadIs25) {
  copas::test::temp_dir dir;
  std::string file = dir.path + "/up.txt";
  std::ofstream(file) << "not allowed\n";
  same({"-T", file, url("/pub/up.txt")}, 25);
}

TEST_P(RealFtpServer, MissingFileIs78) { same({url("/pub/no-such-file")}, 78); }

TEST_P(RealFtpServer, WrongPasswordIs67) { same({url("/hello.txt", "plain:wrong@")}, 67); }

INSTANTIATE_TEST_SUITE_P(Servers, RealFtpServer,
                         ::testing::Values(ftp_server::proftpd, ftp_server::vsftpd,
                                           ftp_server::proftpd_without_epsv),
                         [](const auto& info) {
                           std::string n = name_of(info.param);
                           for (auto& c : n)
                             if (c == ' ') c = '_';
                           return n;
                         });
