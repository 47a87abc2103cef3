#pragma once
// One transfer of copas-fetch: what a scheme runner gets, and what it reports for -w, --retry
// and the exit code.

#include "options.hpp"
#include "output.hpp"

#include <copas/core/time.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace copas::fetch {

struct transfer_report {
  int exit_code = 0;
  std::string errormsg;  // the stderr line's text, without "copas-fetch: (N) "
  int http_code = 0;
  std::uint64_t size_download = 0, size_upload = 0, size_header = 0;
  std::string url_effective;
  std::string redirect_url;  // a Location not followed
  int num_redirects = 0;
  std::string content_type;
  std::string method;
  std::string scheme;
  std::string http_version;
  std::string filename_effective;
  // Seconds, as curl's -w: name lookup done, TCP connect done, TLS handshake done (0 without
  // TLS), about to send, first response byte: each summed over the hops of -L, a hop's counted
  // from its own start. The start of the last hop (0 without a redirect), and the end.
  double time_namelookup = 0, time_connect = 0, time_appconnect = 0, time_pretransfer = 0;
  double time_starttransfer = 0, time_redirect = 0, time_total = 0;
  std::string remote_ip, local_ip;  // the connection's (the proxy's through one)
  int remote_port = 0, local_port = 0;
  double retry_after = -1;  // a Retry-After header (seconds), for --retry
};

// Runs one transfer of `url` inside a copas fiber, writing to `out`.
using scheme_runner =
    std::function<void(const options&, const transfer_spec&, output& out, transfer_report&)>;
std::map<std::string, scheme_runner>& schemes();
struct register_scheme {
  register_scheme(std::string name, scheme_runner run) {
    schemes()[std::move(name)] = std::move(run);
  }
};

// Sets the report's exit code and message.
void fail(transfer_report& r, int code, std::string message);

// One moment read on both clocks that -w's times join: a report counts seconds from the
// transfer's start on copas::gettime(), the libraries stamp events on copas::clock (monotonic).
// Converting every event through one reading keeps their order (an upload's pretransfer and
// starttransfer are one stamp) and puts none after the reading.
struct clock_reading {
  double seconds = 0;  // since the transfer's start
  copas::clock::time_point monotonic = copas::clock::now();

  // When `then` was, in seconds since the transfer's start (0 at the earliest).
  double seconds_at(copas::clock::time_point then) const;
};

// curl's -w: the format with %{variable}s, \n, \t, \r and %% expanded; %{stderr}/%{stdout}
// switch the stream. Written after the transfer.
void write_out(const std::string& format, const transfer_report& r);

}  // namespace copas::fetch
