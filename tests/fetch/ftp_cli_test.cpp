// copas-fetch on ftp:// as a user runs it: the built binary (COPAS_FETCH_BIN) against pyftpdlib,
// files compared by hash, and curl's exit codes for the failures curl names.
#include "ftp_test.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

using copas::test::ftp_server;

namespace {

struct fetch_run {
  int exit_code = -1;  // -1: did not exit normally
  std::string output;  // its stdout
  std::string errors;  // its stderr
};

// Runs `program` with `args`, stdout and stderr to files in `dir`.
fetch_run run_program(const std::string& program, const std::filesystem::path& dir,
                      std::vector<std::string> args) {
  const std::string out = (dir / "stdout").string(), err = (dir / "stderr").string();
  args.insert(args.begin(), program);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot run " + program);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, copas::test::read_file(out),
          copas::test::read_file(err)};
}

fetch_run copas_fetch(const std::filesystem::path& dir, std::vector<std::string> args) {
  return run_program(COPAS_FETCH_BIN, dir, std::move(args));
}

class FetchCli : public ::testing::Test {
 protected:
  fetch_run fetch(std::vector<std::string> args) { return copas_fetch(work, std::move(args)); }

  ftp_server server;
  std::filesystem::path work = server.root.string() + "-client";  // outside the served tree

  void SetUp() override { std::filesystem::create_directories(work); }
  void TearDown() override { std::filesystem::remove_all(work); }
};

}  // namespace

TEST_F(FetchCli, DownloadToFileByHash) {
  const std::string body = copas::test::random_bytes(5 * 1024 * 1024 + 3, 21);
  copas::test::write_file(server.root / "pub/data.bin", body);
  const auto out = work / "data.bin";
  auto r = fetch({"-s", "-o", out.string(), server.url("/pub/data.bin")});
  ASSERT_EQ(r.exit_code, 0) << r.errors;
  EXPECT_EQ(copas::test::sha256(copas::test::read_file(out)), copas::test::sha256(body));
}

TEST_F(FetchCli, UploadThenDownloadByHash) {
  const std::string body = copas::test::random_bytes(2 * 1024 * 1024 + 5, 22);
  const auto local = work / "local.bin";
  copas::test::write_file(local, body);
  auto up = fetch({"-s", "-T", local.string(), server.url("/up.bin", "user:secret")});
  ASSERT_EQ(up.exit_code, 0) << up.errors;
  EXPECT_EQ(copas::test::sha256(copas::test::read_file(server.root / "up.bin")),
            copas::test::sha256(body));
  // As curl: a URL ending in '/' gets the local file's name.
  std::filesystem::create_directories(server.root / "in");
  auto into_dir = fetch({"-s", "-T", local.string(), server.url("/in/", "user:secret")});
  ASSERT_EQ(into_dir.exit_code, 0) << into_dir.errors;
  EXPECT_EQ(copas::test::read_file(server.root / "in/local.bin").size(), body.size());
  const auto back = work / "back.bin";
  auto down = fetch({"-s", "-o", back.string(), server.url("/up.bin")});
  ASSERT_EQ(down.exit_code, 0) << down.errors;
  EXPECT_EQ(copas::test::sha256(copas::test::read_file(back)), copas::test::sha256(body));
}

TEST_F(FetchCli, FileNotFoundIs78) {
  auto r = fetch({"-o", (work / "x").string(), server.url("/no/such.bin")});
  EXPECT_EQ(r.exit_code, 78) << r.errors;
  EXPECT_NE(r.errors.find("550 No such file or directory."), std::string::npos) << r.errors;
}

TEST_F(FetchCli, BadPasswordIs67) {
  auto r = fetch({"-o", (work / "x").string(), server.url("/any.bin", "user:wrong")});
  EXPECT_EQ(r.exit_code, 67) << r.errors;
  EXPECT_NE(r.errors.find("login: 530 Authentication failed."), std::string::npos) << r.errors;
}

TEST_F(FetchCli, AnonymousUploadRefusedIs25) {
  const auto local = work / "local.txt";
  copas::test::write_file(local, "anonymous may only read\n");
  auto r = fetch({"-T", local.string(), server.url("/denied.txt")});
  EXPECT_EQ(r.exit_code, 25) << r.errors;
  EXPECT_NE(r.errors.find("550 Not enough privileges."), std::string::npos) << r.errors;
  EXPECT_FALSE(std::filesystem::exists(server.root / "denied.txt"));
}

// Also as curl's (and copas-fetch's for http): the name lookup's time stands, the connect's is 0.
TEST(FetchCliConnect, RefusedIs7WithItsLookupTime) {
  // A port bound but not listening: connections to it are refused, and nobody else can take it
  // while the test runs.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const auto dir =
      std::filesystem::temp_directory_path() / ("copas-fetch-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto r = copas_fetch(
      dir, {"-o", (dir / "x").string(), "-w", "%{time_namelookup} %{time_connect} %{time_total}",
            "ftp://localhost:" + std::to_string(ntohs(a.sin_port)) + "/x"});
  ::close(fd);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(r.exit_code, 7) << r.errors;
  EXPECT_NE(r.errors.find("connection refused"), std::string::npos) << r.errors;
  double namelookup = -1, connect = -1, total = -1;
  std::istringstream(r.output) >> namelookup >> connect >> total;
  EXPECT_GT(namelookup, 0) << r.output;
  EXPECT_LE(namelookup, total) << r.output;
  EXPECT_EQ(connect, 0) << r.output;
}

TEST(FetchCliIpv6, DownloadFromBracketedAddress) {
  ftp_server v6("::1");
  const std::string body = copas::test::random_bytes(1024 * 1024 + 9, 23);
  copas::test::write_file(v6.root / "v6.bin", body);
  const auto dir = std::filesystem::path(v6.root.string() + "-client");
  std::filesystem::create_directories(dir);
  auto r = copas_fetch(dir, {"-s", "-o", (dir / "v6.bin").string(), v6.url("/v6.bin")});
  const std::string got = copas::test::read_file(dir / "v6.bin");
  std::filesystem::remove_all(dir);
  ASSERT_EQ(r.exit_code, 0) << r.errors;
  EXPECT_EQ(copas::test::sha256(got), copas::test::sha256(body));
}

// A stock pyftpdlib knows only "anonymous": copas-fetch logs in as curl does, not as LuaSocket's
// "ftp" (which such a server answers with 530, exit 67).
TEST(FetchCliStockServer, AnonymousDownloadLogsInAsCurlDoes) {
  ftp_server server("127.0.0.1", /*stock_anonymous=*/true);
  const std::string body = copas::test::random_bytes(256 * 1024, 23);
  copas::test::write_file(server.root / "pub/data.bin", body);
  const std::filesystem::path work = server.root.string() + "-client";
  std::filesystem::create_directories(work);
  auto r =
      copas_fetch(work, {"-s", "-o", (work / "data.bin").string(), server.url("/pub/data.bin")});
  EXPECT_EQ(r.exit_code, 0) << r.errors;
  EXPECT_EQ(copas::test::sha256(copas::test::read_file(work / "data.bin")),
            copas::test::sha256(body));
  std::filesystem::remove_all(work);
}

// As curl's -w for ftp:// (curl, the oracle, runs the same commands): pretransfer comes once the
// transfer command is answered, after the login and every negotiation, and a download's
// starttransfer with its first data. The server holds RETR's and STOR's reply back 0.2 s and a
// download's data 0.1 s more (lower bounds only: a loaded machine only adds time). The addresses
// are the control connection's.
TEST(FetchCliTimings, FtpTimesFallWhereCurlsDo) {
  ftp_server server("127.0.0.1", false, {"RETR=0.2", "STOR=0.2", "data=0.1"});
  copas::test::write_file(server.root / "pub/data.bin", copas::test::random_bytes(64 * 1024, 24));
  const std::filesystem::path work = server.root.string() + "-client";
  copas::test::write_file(work / "up.bin", copas::test::random_bytes(64 * 1024, 25));
  const std::string format =
      "%{time_namelookup} %{time_connect} %{time_appconnect} %{time_pretransfer} "
      "%{time_starttransfer} %{time_total} %{remote_ip} %{remote_port} %{local_ip} %{local_port}";
  for (const std::string tool : {"/usr/bin/curl", COPAS_FETCH_BIN}) {
    const std::string upload =
        server.url("/" + std::filesystem::path(tool).filename().string(), "user:secret");
    for (const bool is_upload : {false, true}) {
      auto r =
          is_upload
              ? run_program(tool, work,
                            {"-s", "-T", (work / "up.bin").string(), "-w", format, upload})
              : run_program(tool, work,
                            {"-s", "-o", "/dev/null", "-w", format, server.url("/pub/data.bin")});
      SCOPED_TRACE(tool + (is_upload ? " -T" : "") + ": " + r.output);
      ASSERT_EQ(r.exit_code, 0) << r.errors;
      double namelookup = -1, connect = -1, appconnect = -1, pretransfer = -1, start = -1,
             total = -1;
      std::string remote_ip, local_ip;
      int remote_port = 0, local_port = 0;
      std::istringstream(r.output) >> namelookup >> connect >> appconnect >> pretransfer >> start >>
          total >> remote_ip >> remote_port >> local_ip >> local_port;
      EXPECT_LE(namelookup, connect);
      EXPECT_GT(connect, 0);
      EXPECT_EQ(appconnect, 0);  // no TLS
      EXPECT_LE(connect, pretransfer);
      EXPECT_GE(pretransfer, 0.2);  // RETR's or STOR's reply waited for
      EXPECT_LE(pretransfer, start);
      // The data's wait follows the reply's in the server; it starts when the 125 is sent,
      // before the client reads it (pretransfer + 0.1 would be a few ms too late).
      if (!is_upload) {
        EXPECT_GE(start, 0.2 + 0.1);
      }
      EXPECT_LE(start, total);
      EXPECT_EQ(remote_ip, "127.0.0.1");
      EXPECT_EQ(remote_port, server.port);
      EXPECT_EQ(local_ip, "127.0.0.1");
      EXPECT_GT(local_port, 0);
    }
  }
  std::filesystem::remove_all(work);
}
