// ftp:// for copas-fetch: downloads to the output, -T FILE uploads (URL/ gets the file's name),
// a URL ending in '/' lists the directory (TYPE A, LF line ends, as curl prints it).
#include "exit_codes.hpp"
#include "ftp_fetch.hpp"
#include "transfer.hpp"

#include <copas/core/time.hpp>

#include <cstdio>
#include <filesystem>

namespace copas::fetch {
namespace {

// curl's -w for ftp://: each time from the transfer's start to its step (ftp_timeline says where
// each falls; a step not reached stays 0, as curl's) and the control connection's addresses.
void report_timeline(transfer_report& rep, const ftp_fetch_outcome& result, double now) {
  const clock_reading end{now};
  auto at = [&end](clock::time_point t) {
    return t == clock::time_point{} ? 0.0 : end.seconds_at(t);
  };
  rep.time_namelookup = at(result.reached.resolved);
  rep.time_connect = at(result.reached.connected);
  rep.time_pretransfer = at(result.reached.pretransfer);
  rep.time_starttransfer = at(result.reached.starttransfer);
  rep.remote_ip = result.remote.ip;
  rep.remote_port = result.remote.port;
  rep.local_ip = result.local.ip;
  rep.local_port = result.local.port;
}

void run_ftp(const options& o, const transfer_spec& spec, output& out, transfer_report& rep) {
  const double started = copas::gettime();
  ftp_fetch_options f;
  f.url = spec.url;
  f.timeout = o.max_time.value_or(o.connect_timeout.value_or(300));
  if (o.user) {
    auto colon = o.user->find(':');
    f.user = o.user->substr(0, colon);
    f.password = colon == std::string::npos ? "" : o.user->substr(colon + 1);
  }
  std::uint64_t moved = 0;
  bool write_failed = false;
  if (!spec.upload.empty()) {
    std::FILE* in = spec.upload == "-" ? stdin : std::fopen(spec.upload.c_str(), "rb");
    if (!in) return fail(rep, read_error, "Failed to open/read local data from file/application");
    if (spec.upload != "-") {
      std::error_code ec;
      auto size = std::filesystem::file_size(spec.upload, ec);
      if (!ec) f.upload_size = size;
      if (f.url.back() == '/') f.url += std::filesystem::path(spec.upload).filename().string();
    }
    f.upload = ltn12::source::file(in);
  } else {
    f.sink = [&](ltn12::chunk c, const std::optional<copas::error>&) -> result<void> {
      if (c) {
        moved += c->size();
        if (!out.write(*c)) {
          write_failed = true;
          return copas::error(copas::errc::closed, out.error);
        }
      }
      return {};
    };
  }
  auto result = ftp_fetch(f);
  rep.time_total = copas::gettime() - started;
  report_timeline(rep, result, rep.time_total);
  rep.size_download = moved;
  rep.url_effective = f.url;
  rep.scheme = "ftp";
  if (write_failed)
    return fail(rep, write_error, "Failure writing output to destination: " + out.error);
  if (!result.ok()) return fail(rep, result.exit_code, result.describe());
  if (!out.finish()) return fail(rep, write_error, out.error);
}

}  // namespace

register_scheme ftp_scheme("ftp", run_ftp);

}  // namespace copas::fetch
