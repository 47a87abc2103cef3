// ftp:// for copas-fetch, on copas::ftp::fetch: downloads to -o FILE or stdout, -T FILE uploads,
// a URL ending in '/' lists the directory. Exit codes are curl's (copas/ftp/fetch.hpp).
#include "fetch.hpp"

#include <copas/ftp.hpp>

#include <cstdio>
#include <filesystem>

namespace copas::fetch {
namespace {

int run_ftp(const options& o) {
  ftp::fetch_options f;
  f.url = o.url;
  f.timeout = o.timeout;
  progress bar(progress_wanted(o));
  f.progress = [&bar](std::uint64_t, std::optional<std::uint64_t> total) { bar.expect(total); };
  if (!o.upload.empty()) {
    std::FILE* in = std::fopen(o.upload.c_str(), "rb");
    if (!in) return fail(o, read_error, "cannot read " + o.upload);
    std::error_code ec;
    auto size = std::filesystem::file_size(o.upload, ec);
    if (!ec) f.upload_size = size;
    if (f.url.back() == '/') f.url += std::filesystem::path(o.upload).filename().string();  // as curl
    auto tick = bar.wrap(ltn12::sink::null());
    f.upload = [src = ltn12::source::file(in), tick]() -> result<ltn12::chunk> {
      auto c = src();
      if (c && *c) (void)tick(**c, std::nullopt);
      return c;
    };
  } else {
    std::string open_error;
    auto out = output_sink(o, open_error);
    if (!open_error.empty()) return fail(o, write_error, open_error);
    f.sink = bar.wrap(out);
  }
  auto result = ftp::fetch(f);
  bar.finish();
  if (!result.ok()) return fail(o, result.exit_code, result.describe());
  return ok;
}

}  // namespace

register_scheme ftp_scheme("ftp", run_ftp);

}  // namespace copas::fetch
