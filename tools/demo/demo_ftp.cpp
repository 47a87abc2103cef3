// Demo section: an FTP round trip with copas::ftp -- upload, listing, download, a refusal --
// against pyftpdlib (Debian's python3-pyftpdlib) started on 127.0.0.1 for the occasion. Without
// pyftpdlib the section says so and does nothing.
#include "section.hpp"

#include <copas/core.hpp>
#include <copas/ftp.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace {

// A minimal server: "user"/"secret" may write, anonymous may read (LuaSocket logs in anonymously
// as "ftp" / "anonymous@anonymous.org"); prints its port.
constexpr const char* server_script = R"(
import sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
a = DummyAuthorizer()
a.add_user("user", "secret", sys.argv[1], perm="elradfmw")
a.add_anonymous(sys.argv[1], perm="elr")
a.add_user("ftp", "anonymous@anonymous.org", sys.argv[1], perm="elr")
FTPHandler.authorizer = a
s = FTPServer(("127.0.0.1", 0), FTPHandler)
print("PORT", s.address[1], flush=True)
s.serve_forever()
)";

class pyftpdlib_server {
 public:
  // Starts the server, or leaves port at 0 when pyftpdlib is not available.
  explicit pyftpdlib_server(const std::filesystem::path& root) {
    int out[2];
    if (::pipe(out) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    std::string py = "/usr/bin/python3", dash_c = "-c", script = server_script, dir = root.string();
    char* argv[] = {py.data(), dash_c.data(), script.data(), dir.data(), nullptr};
    bool started = posix_spawn(&pid_, argv[0], &fa, nullptr, argv, environ) == 0;
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    if (started) port = read_port(out[0]);
    ::close(out[0]);
  }
  ~pyftpdlib_server() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  std::uint16_t port = 0;

 private:
  static std::uint16_t read_port(int fd) {
    std::string line;
    while (line.find('\n') == std::string::npos) {
      pollfd p{fd, POLLIN, 0};
      char buf[64];
      if (::poll(&p, 1, 10000) <= 0) return 0;
      auto n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return 0;  // exited: no pyftpdlib
      line.append(buf, static_cast<std::size_t>(n));
    }
    return line.rfind("PORT ", 0) == 0 ? static_cast<std::uint16_t>(std::stoi(line.substr(5))) : 0;
  }
  pid_t pid_ = -1;
};

}  // namespace

COPAS_DEMO_SECTION(70, "ftp: upload, list, download and a refusal against an FTP server") {
  char dir[] = "/tmp/copas-demo-ftp-XXXXXX";
  if (!::mkdtemp(dir)) throw std::runtime_error("mkdtemp failed");
  const std::filesystem::path root = dir;
  struct cleanup {
    std::filesystem::path p;
    ~cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
    }
  } rm{root};
  pyftpdlib_server server(root);
  if (server.port == 0) {
    std::printf("  no FTP server at hand (/usr/bin/python3 with python3-pyftpdlib): skipped\n");
    return;
  }
  const std::string base = "ftp://127.0.0.1:" + std::to_string(server.port);
  const std::string user = "ftp://user:secret@127.0.0.1:" + std::to_string(server.port);
  std::printf("  pyftpdlib serves %s on %s\n", dir, base.c_str());

  std::string failure;
  copas::loop([&] {
    const std::string text(256 * 1024, 'c');
    auto sent = copas::ftp::put(user + "/hello.bin;type=i", text);
    if (!sent) return void(failure = "put: " + sent.error().message());
    std::printf("  put  %s/hello.bin: %zu bytes sent (user 'user', passive EPSV)\n", base.c_str(),
                *sent);

    std::vector<std::string> names;
    auto listed = copas::ftp::get(
        {.url = base + "/", .command = "nlst", .sink = copas::ltn12::sink::table(names)});
    if (!listed) return void(failure = "nlst: " + listed.error().message());
    std::string listing;
    for (auto& n : names) listing += n;
    while (!listing.empty() && (listing.back() == '\n' || listing.back() == '\r'))
      listing.pop_back();
    std::printf("  nlst %s/ (anonymous): %s\n", base.c_str(), listing.c_str());

    std::vector<std::string> parts;
    auto got = copas::ftp::get({.url = base + "/hello.bin",
                                .type = "i",
                                .sink = copas::ltn12::sink::table(parts),
                                .active = true});
    if (!got) return void(failure = "get: " + got.error().message());
    std::string back;
    for (auto& p : parts) back += p;
    std::printf("  get  %s/hello.bin (active PORT): %zu bytes, %s\n", base.c_str(), back.size(),
                back == text ? "identical to what was sent" : "DIFFERENT");
    if (back != text) return void(failure = "downloaded data differs");

    auto denied = copas::ftp::put(base + "/anonymous.txt", "nope");
    std::printf("  put  as anonymous: refused with the server's reply \"%s\"\n",
                denied ? "(accepted?)" : denied.error().message().c_str());
    if (denied) failure = "anonymous upload was accepted";
  });
  if (!failure.empty()) throw std::runtime_error(failure);
}
