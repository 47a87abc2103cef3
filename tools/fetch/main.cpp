// copas-fetch [options] URL: fetch a URL with copas (curl's options and exit codes where they
// overlap). The URL's scheme picks the protocol from the registry (fetch.hpp).
#include "fetch.hpp"

#include <copas/core.hpp>
#include <copas/net/ascii.hpp>
#include <copas/net/dns.hpp>

#include <CLI/CLI.hpp>

#include <malloc.h>

#include <cctype>
#include <iostream>

using namespace copas::fetch;

int main(int argc, char** argv) {
  // Bodies move in 64 KiB chunks, each allocated and freed in turn: by default glibc hands the
  // freed top of its heap back to the kernel every time (a brk() pair per chunk, a third of
  // the system calls of an ftp:// download). Keep up to 32 MiB instead.
  ::mallopt(M_TRIM_THRESHOLD, 32 << 20);
  options o;
  CLI::App app{"copas-fetch: fetch a URL (http, https) with copas fibers; curl's options and exit codes"};
  app.add_option("url", o.url, "URL to fetch")->required();
  app.add_option("-o,--output", o.output, "write the body to FILE instead of stdout");
  std::string method;
  app.add_option("-X,--request", method, "request method");
  app.add_option("-H,--header", o.headers, "extra header 'Name: value' (repeatable)");
  std::string data, data_binary;
  auto* d = app.add_option("-d,--data", data, "POST DATA as application/x-www-form-urlencoded (@FILE reads a file)");
  auto* db = app.add_option("--data-binary", data_binary, "POST DATA as is (@FILE reads a file)");
  app.add_option("-T,--upload-file", o.upload, "PUT FILE");
  app.add_flag("-I,--head", o.head, "HEAD request; print the headers");
  app.add_flag("-i,--include", o.include, "print the status line and headers before the body");
  app.add_option("-x,--proxy", o.proxy, "use the HTTP proxy http://[user:pass@]host[:port]");
  app.add_option("--max-redirs", o.max_redirs, "follow at most N redirects (default 5, -1 unlimited)");
  bool no_redirect = false;
  app.add_flag("--no-redirect", no_redirect, "do not follow redirects");
  app.add_option("--timeout", o.timeout, "seconds each connect, send or receive may take (default 60)");
  app.add_option("--cacert", o.cacert, "trust the CA certificates in FILE (PEM)");
  app.add_flag("-k,--insecure", o.insecure, "do not verify the server's certificate");
  app.add_flag("-f,--fail", o.fail, "exit 22 without output on HTTP errors (>= 400)");
  app.add_flag("-s,--silent", o.silent, "no progress bar, no error messages");
  app.add_flag("-v,--verbose", o.verbose, "show the request and response heads on stderr");
  std::string dns_servers;
  app.add_option("--dns-servers", dns_servers, "resolve with these nameservers (IP[:PORT],...)");
  bool progress_on = false, progress_off = false;
  app.add_flag("--progress", progress_on, "progress bar with bytes, rate and ETA on stderr");
  app.add_flag("--no-progress", progress_off, "no progress bar");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // curl: 2 for a bad command line
  }
  if (!method.empty()) o.method = method;
  if (*d) {
    o.data = data;
    o.data_is_form = true;
  }
  if (*db) o.data = data_binary;
  o.follow = !no_redirect;
  if (progress_on) o.progress = true;
  if (progress_off) o.progress = false;

  auto colon = o.url.find("://");
  std::string scheme = copas::ascii::lower(colon == std::string::npos ? "http" : o.url.substr(0, colon));
  if (colon == std::string::npos) o.url = "http://" + o.url;  // curl's default
  auto it = schemes().find(scheme);
  if (it == schemes().end())
    return fail(o, unsupported_protocol, "Protocol \"" + scheme + "\" not supported");
  int rc = 0;
  copas::loop([&] {
    if (!dns_servers.empty()) {
      std::vector<std::string> list;
      for (std::size_t pos = 0; pos <= dns_servers.size();) {
        auto comma = dns_servers.find(',', pos);
        if (comma == std::string::npos) comma = dns_servers.size();
        list.push_back(dns_servers.substr(pos, comma - pos));
        pos = comma + 1;
      }
      copas::dns::set_nameservers(list);
    }
    rc = it->second(o);
  });
  return rc;
}
