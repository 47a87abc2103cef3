// curl's -w / --write-out, for the variables scripts use most.
#include "transfer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

namespace copas::fetch {

std::map<std::string, scheme_runner>& schemes() {
  static std::map<std::string, scheme_runner> all;
  return all;
}

void fail(transfer_report& r, int code, std::string message) {
  r.exit_code = code;
  r.errormsg = std::move(message);
}

double clock_reading::seconds_at(copas::clock::time_point then) const {
  return std::max(0.0, seconds - std::chrono::duration<double>(monotonic - then).count());
}

namespace {

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", s);
  return buf;
}

std::optional<std::string> variable(const std::string& name, const transfer_report& r) {
  char code[8];
  std::snprintf(code, sizeof code, "%03d", r.http_code);
  if (name == "http_code" || name == "response_code") return std::string(code);
  if (name == "size_download") return std::to_string(r.size_download);
  if (name == "size_upload") return std::to_string(r.size_upload);
  if (name == "size_header") return std::to_string(r.size_header);
  if (name == "time_total") return seconds(r.time_total);
  if (name == "time_namelookup") return seconds(r.time_namelookup);
  if (name == "time_connect") return seconds(r.time_connect);
  if (name == "time_appconnect") return seconds(r.time_appconnect);
  if (name == "time_pretransfer") return seconds(r.time_pretransfer);
  if (name == "time_starttransfer") return seconds(r.time_starttransfer);
  if (name == "time_redirect") return seconds(r.time_redirect);
  if (name == "speed_download")
    return std::to_string(
        r.time_total > 0
            ? static_cast<std::uint64_t>(static_cast<double>(r.size_download) / r.time_total)
            : 0);
  if (name == "url_effective" || name == "url") return r.url_effective;
  if (name == "redirect_url") return r.redirect_url;
  if (name == "num_redirects") return std::to_string(r.num_redirects);
  if (name == "content_type") return r.content_type;
  if (name == "exitcode") return std::to_string(r.exit_code);
  if (name == "errormsg") return r.errormsg;
  if (name == "method") return r.method;
  if (name == "scheme") return r.scheme;
  if (name == "http_version") return r.http_version;
  if (name == "filename_effective") return r.filename_effective;
  if (name == "remote_ip") return r.remote_ip;
  if (name == "remote_port") return std::to_string(r.remote_port);
  if (name == "local_ip") return r.local_ip;
  if (name == "local_port") return std::to_string(r.local_port);
  return std::nullopt;
}

}  // namespace

void write_out(const std::string& f, const transfer_report& r) {
  std::FILE* to = stdout;
  std::string buf;
  auto flush = [&] {
    std::fwrite(buf.data(), 1, buf.size(), to);
    buf.clear();
  };
  for (std::size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if (c == '%' && i + 1 < f.size() && f[i + 1] == '%') {
      buf += '%';
      ++i;
    } else if (c == '%' && i + 1 < f.size() && f[i + 1] == '{') {
      auto end = f.find('}', i + 2);
      if (end == std::string::npos) {
        buf += f.substr(i);
        break;
      }
      std::string name = f.substr(i + 2, end - i - 2);
      if (name == "stderr" || name == "stdout") {
        flush();
        to = name == "stderr" ? stderr : stdout;
      } else if (auto v = variable(name, r)) {
        buf += *v;
      } else {
        std::fprintf(stderr, "copas-fetch: unknown --write-out variable: '%s'\n", name.c_str());
      }
      i = end;
    } else if (c == '\\' && i + 1 < f.size() &&
               (f[i + 1] == 'n' || f[i + 1] == 't' || f[i + 1] == 'r' || f[i + 1] == '\\')) {
      char e = f[++i];
      buf += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : '\\';
    } else {
      buf += c;
    }
  }
  flush();
  std::fflush(to);
}

}  // namespace copas::fetch
