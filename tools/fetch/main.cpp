// copas-fetch [options] URL...: curl's options, exit codes and output rules, on copas fibers.
// Each URL is one transfer; -Z runs them at once on fibers of one dispatcher (--parallel-max).
#include "exit_codes.hpp"
#include "options.hpp"
#include "transfer.hpp"

#include <copas/core.hpp>
#include <copas/net/ascii.hpp>
#include <copas/net/dns.hpp>
#include <copas/net/url.hpp>

#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>

using namespace copas;
using namespace copas::fetch;

namespace {

// curl's checks before anything is sent: a scheme it speaks (1), a URL it can parse (3).
int check_url(std::string& url, std::string& message) {
  auto colon = url.find("://");
  if (colon == std::string::npos) url = (url.starts_with("ftp.") ? "ftp://" : "http://") + url;
  colon = url.find("://");
  std::string scheme = ascii::lower(url.substr(0, colon));
  if (!schemes().contains(scheme)) {
    message = "Protocol \"" + scheme + "\" not supported or disabled in libcurl";
    return unsupported_protocol;
  }
  auto u = url::parse(url);
  bool bad = !u || !u->host || u->host->empty();
  if (!bad) {
    for (unsigned char c : *u->host)
      if (c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
          c == '`' || c == '{' || c == '|' || c == '}')
        bad = true;
    if (u->port && !u->port->empty()) {
      if (u->port->size() > 5 || u->port->find_first_not_of("0123456789") != std::string::npos ||
          std::stoul(*u->port) > 65535)
        bad = true;
    }
    if (u->authority && std::count(u->authority->begin(), u->authority->end(), '[') !=
                            std::count(u->authority->begin(), u->authority->end(), ']'))
      bad = true;
  }
  for (unsigned char c : url)
    if (c < 0x20 || c == 0x7f) bad = true;
  if (bad) {
    message = "URL using bad/illegal format or missing URL";
    return bad_url;
  }
  return ok;
}

// -O: the URL's last path segment as written, not percent-decoded (as curl): decoded,
// "..%2F..%2Fx" would name a file outside the current directory (curl: "Remote file name has
// no length!" when empty).
std::string remote_name(const std::string& url) {
  auto u = url::parse(url);
  std::string path = u && u->path ? *u->path : "";
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool transient(const transfer_report& r, const options& o) {
  if (o.retry_all_errors) return r.exit_code != 0 || r.http_code >= 400;
  if (r.exit_code == timed_out) return true;
  if (r.exit_code == connect_failed && o.retry_connrefused) return true;
  int c = r.http_code;
  return c == 408 || c == 429 || c == 500 || c == 502 || c == 503 || c == 504;
}

struct run_state {
  const options& o;
  progress bar;
  int last_code = 0;
};

// One URL from start to end: output, --retry, -w, the error line.
int run_one(run_state& st, const transfer_spec& spec0) {
  const options& o = st.o;
  transfer_spec spec = spec0;
  transfer_report rep;
  std::string message;
  int pre = check_url(spec.url, message);
  rep.url_effective = spec.url;
  std::string path = spec.output.value_or("");
  if (pre == ok && spec.remote_name) {
    path = remote_name(spec.url);
    if (path.empty()) {
      pre = write_error;
      message = "Remote file name has no length!";
    }
  }
  rep.filename_effective = path;
  if (pre != ok) {
    fail(rep, pre, message);
  } else {
    std::string scheme = ascii::lower(spec.url.substr(0, spec.url.find("://")));
    double start = copas::gettime();
    double delay = o.retry_delay.value_or(1);
    for (int left = o.retry;; --left) {
      output out(path, o.create_dirs, o.resume.has_value());
      out.meter = st.bar.on() ? &st.bar : nullptr;
      rep = transfer_report{};
      rep.filename_effective = path;
      schemes()[scheme](o, spec, out, rep);
      if (left <= 0 || !transient(rep, o)) break;
      double wait = rep.retry_after > 0 ? rep.retry_after : delay;
      if (o.retry_max_time > 0 && copas::gettime() - start >= o.retry_max_time)
        break;  // curl: time spent so far
      if (!o.silent)
        std::cerr << "Warning: Problem : "
                  << (rep.exit_code == timed_out ? "timeout" : "HTTP error") << ". Will retry in "
                  << static_cast<int>(wait) << " seconds. " << left
                  << (left == 1 ? " retry" : " retries") << " left.\n";
      out.reset();
      copas::pause(wait);
      if (!o.retry_delay && rep.retry_after <= 0) delay = std::min(delay * 2, 600.0);
    }
  }
  if (rep.exit_code != ok && (!o.silent || o.show_error))
    std::cerr << "copas-fetch: (" << rep.exit_code << ") "
              << (rep.errormsg.empty() ? describe(rep.exit_code) : rep.errormsg) << "\n";
  if (rep.errormsg.empty() && rep.exit_code) rep.errormsg = describe(rep.exit_code);
  if (o.write_out) write_out(*o.write_out, rep);
  return rep.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // Bodies move in 64 KiB chunks, each allocated and freed in turn: by default glibc hands the
  // freed top of its heap back to the kernel every time (a brk() pair per chunk). Keep up to
  // 32 MiB instead.
  ::mallopt(M_TRIM_THRESHOLD, 32 << 20);
  auto parsed = parse_command_line(argc, argv);
  if (!parsed) return bad_usage;
  const options& o = *parsed;
  run_state st{o, progress(o.progress_bar && !o.silent), 0};
  int rc = 0;
  std::vector<int> codes(o.transfers.size(), 0);
  copas::loop([&] {
    if (!o.dns_servers.empty()) {
      std::vector<std::string> list;
      for (std::size_t pos = 0; pos <= o.dns_servers.size();) {
        auto comma = o.dns_servers.find(',', pos);
        if (comma == std::string::npos) comma = o.dns_servers.size();
        list.push_back(o.dns_servers.substr(pos, comma - pos));
        pos = comma + 1;
      }
      copas::dns::set_nameservers(list);
    }
    if (!o.parallel) {
      for (std::size_t i = 0; i < o.transfers.size(); ++i) codes[i] = run_one(st, o.transfers[i]);
      return;
    }
    // -Z: up to --parallel-max fibers, each taking the next URL; the loop ends when all are done.
    auto next = std::make_shared<std::size_t>(0);
    std::size_t workers =
        std::min<std::size_t>(static_cast<std::size_t>(o.parallel_max), o.transfers.size());
    for (std::size_t w = 0; w < workers; ++w)
      copas::addthread([&st, &o, &codes, next] {
        while (*next < o.transfers.size()) {
          std::size_t i = (*next)++;
          codes[i] = run_one(st, o.transfers[i]);
        }
      });
  });
  st.bar.finish();
  rc = codes.empty() ? 0 : codes.back();  // curl: the last URL's result
  return rc;
}
