#pragma once
// copas-fetch's ftp:// transfer in one call, on copas::ftp::session -- download to a sink or
// upload from a source, with progress and curl's exit codes. (It was copas::ftp::fetch; curl's
// exit codes are the tool's business, not the library's.)
//
//   auto out = copas::fetch::ftp_fetch({.url = "ftp://localhost:2121/pub/file.bin",
//                                       .sink = copas::ltn12::sink::file(std::fopen("f", "wb"))});
//   if (out.exit_code != 0) std::cerr << "copas-fetch: " << out.describe() << "\n";
//
// Download: binary (TYPE I) unless the URL says ";type=a"; SIZE is asked first (when the server
// answers, it feeds `total` and a shorter transfer is reported as partial, curl's 18). A URL whose
// path ends in '/' lists the directory (TYPE A, then LIST, or NLST with list_only) into the sink
// with LF line ends, as curl prints it.
// Upload (`upload` set): STOR to the URL's path; a path ending in '/' is an error (curl appends
// the local name; the caller should do that before calling).

#include <copas/ftp/request.hpp>
#include <copas/ftp/session.hpp>

#include <copas/core/error.hpp>
#include <copas/core/time.hpp>
#include <copas/net/ltn12.hpp>
#include <copas/net/socket.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace copas::fetch {

// Called as data moves: bytes so far and, when known, the total.
using progress_function =
    std::function<void(std::uint64_t now, std::optional<std::uint64_t> total)>;

struct ftp_fetch_options {
  std::string url{};       // "ftp://[user[:password]@]host[:port]/path[;type=a|i]"
  ltn12::sink sink{};      // download target (ignored for uploads)
  ltn12::source upload{};  // set: upload this (copas-fetch -T FILE)
  std::optional<std::uint64_t> upload_size{};  // for the progress total of an upload
  progress_function progress{};
  // Override the URL's credentials (copas-fetch -u). With none at all, the login is curl's
  // anonymous one (USER anonymous, PASS ftp@example.com), not LuaSocket's USER ftp.
  std::optional<std::string> user{};
  std::optional<std::string> password{};
  bool list_only = false;         // directory URLs: NLST instead of LIST (curl -l)
  bool active = false;            // PORT/EPRT instead of EPSV/PASV (curl -P)
  double timeout = ftp::TIMEOUT;  // seconds per socket call
};

// When the steps behind curl's -w time_* were reached, on copas::clock; time_point{} for a step
// never reached. They fall where curl 7.88 puts them for ftp:// (measured against pyftpdlib
// holding one reply back at a time; curl's lib/multi.c stamps pretransfer as the DO phase ends):
//   resolved       the control connection's name lookup ended (also when the connect then fails)
//   connected      the control connection is made (curl's documented time_connect; 7.88 itself
//                  shows the data connection's, which older curls did not)
//   pretransfer    the transfer command (RETR, STOR, LIST) was answered 1xx and the data
//                  connection is up: curl's DO phase ends there, so this holds the greeting, the
//                  login, TYPE, SIZE, EPSV/PASV and that reply
//   starttransfer  a download's first data (or its end, for an empty file); an upload's first
//                  try to send, which is the same moment as pretransfer
struct ftp_timeline {
  clock::time_point resolved{}, connected{}, pretransfer{}, starttransfer{};
};

struct ftp_fetch_outcome {
  copas::error error{};                       // empty on success
  int exit_code = 0;                          // curl's exit code; 0 on success
  ftp::phase failed_in = ftp::phase::closed;  // the step that failed
  std::string host{};                         // where it failed
  std::uint16_t port = 0;
  std::uint64_t bytes = 0;                  // moved before the end (or the failure)
  std::optional<std::uint64_t> expected{};  // SIZE, or upload_size
  ftp_timeline reached{};
  endpoint remote{}, local{};  // the control connection's ends (curl's remote_ip, local_ip...)

  bool ok() const noexcept { return exit_code == 0; }
  // "ftp://host:port: login: 530 Login incorrect." -- what failed, where, and the server's text.
  std::string describe() const;
};

// Runs inside a copas fiber. Never throws for network or server failures (see fetch_outcome).
ftp_fetch_outcome ftp_fetch(const ftp_fetch_options& options);

// The curl exit code for an error of copas::ftp in phase `p`:
//   3 malformed URL, 1 unsupported protocol (wrong scheme), 6 host not resolved, 7 connect
//   failed, 28 timeout, 8 unexpected server reply, 67 login denied, 25 upload refused (STOR),
//   78 file not found (550 to RETR/SIZE), 19 RETR refused otherwise, 18 partial transfer, 13 bad
//   PASV/EPSV reply, 30 PORT/EPRT refused, 23 sink failed, 26 source failed, 56 receive failure,
//   55 send failure.
int curl_exit_code(const copas::error& e, ftp::phase p, bool upload, bool active = false);

}  // namespace copas::fetch
