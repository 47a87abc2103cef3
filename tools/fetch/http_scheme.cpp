// http:// and https:// for copas-fetch, on copas::http::request.
#include "fetch.hpp"

#include <copas/http.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace copas::fetch {

namespace {

// What the request was doing last, for the one-line error message.
struct last_phase {
  http::phase what = http::phase::connect;
  std::string host;
  std::uint16_t port = 0;
};

const char* phase_name(http::phase p) {
  switch (p) {
    case http::phase::connect: return "connect";
    case http::phase::tunnel: return "proxy CONNECT";
    case http::phase::handshake: return "TLS handshake";
    case http::phase::send: return "sending the request";
    case http::phase::status: return "reading the status line";
    case http::phase::headers: return "reading the headers";
    case http::phase::body: return "reading the body";
    case http::phase::redirect: return "redirect";
    case http::phase::done: return "done";
  }
  return "?";
}

int exit_code_for(const copas::error& e, const last_phase& at) {
  auto msg = e.message();
  if (e == errc::host_not_found || msg.starts_with("host not found") ||
      msg.starts_with("temporary failure in name resolution"))
    return host_not_resolved;
  if (e == errc::timeout) return timed_out;
  if (e == errc::handshake_failed)
    return msg.find("certificate") != std::string::npos ||
                   msg.find("unable to get local issuer") != std::string::npos
               ? cert_untrusted
               : tls_connect_failed;
  if (at.what == http::phase::connect) return connect_failed;
  if (at.what == http::phase::tunnel) return connect_failed;
  if (at.what == http::phase::body) return e == errc::closed ? partial_file : recv_error;
  if (e == errc::protocol_error) return weird_reply;
  return recv_error;
}

bool read_file(const std::string& name, std::string& out) {
  std::ifstream f(name, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

void print_head(std::ostream& os, std::string_view status, const http::headers& h) {
  os << status << "\r\n";
  for (auto& [k, v] : h) os << k << ": " << v << "\r\n";
  os << "\r\n";
}

int run_http(const options& o) {
  http::request_params p;
  p.url = o.url;
  if (o.head) p.method = "HEAD";
  std::string body;
  if (o.data) {
    body = *o.data;
    if (!body.empty() && body[0] == '@' && !read_file(body.substr(1), body))
      return fail(o, read_error, "cannot read " + o.data->substr(1));
    p.method = "POST";
    if (o.data_is_form) p.headers.set("content-type", "application/x-www-form-urlencoded");
    p.headers.set("content-length", std::to_string(body.size()));
    p.source = ltn12::source::string(body);
  } else if (!o.upload.empty()) {
    if (!read_file(o.upload, body)) return fail(o, read_error, "cannot read " + o.upload);
    p.method = "PUT";
    p.headers.set("content-length", std::to_string(body.size()));
    p.source = ltn12::source::string(body);
  }
  if (o.method) p.method = *o.method;
  for (auto& h : o.headers) {
    auto colon = h.find(':');
    if (colon == std::string::npos) return fail(o, 2, "bad header (no colon): " + h);
    auto v = h.substr(colon + 1);
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    p.headers.set(h.substr(0, colon), v);
  }
  if (!o.proxy.empty()) p.proxy = o.proxy.find("://") == std::string::npos ? "http://" + o.proxy : o.proxy;
  p.redirect = o.follow ? http::redirect_mode::follow : http::redirect_mode::none;
  if (o.max_redirs < 0) p.maxredirects = std::nullopt;
  else p.maxredirects = o.max_redirs;
  p.timeout = o.timeout;
  if (!o.cacert.empty() || o.insecure) {
    ssl_params sp;
    sp.wrap.emplace();
    sp.wrap->mode = "client";
    sp.wrap->cafile = o.cacert;
    if (o.insecure) sp.wrap->verify = {"none"};
    p.sslparams = sp;
  }

  std::string open_error;
  auto out = output_sink(o, open_error);
  if (!open_error.empty()) return fail(o, write_error, open_error);
  progress bar(progress_wanted(o));
  last_phase at;
  int code = 0;
  bool suppressed = false;  // -f: no body for an HTTP error
  p.observer = [&](const http::event& e) {
    if (e.what != http::phase::done && e.what != http::phase::redirect && !e.host.empty()) {
      at.host = std::string(e.host);
      at.port = e.port;
    }
    at.what = e.what;
    if (o.verbose) {
      if (e.what == http::phase::connect)
        std::cerr << "* " << (e.reused ? "Re-using connection to " : "Connecting to ") << e.host
                  << " port " << e.port << "\n";
      if (e.what == http::phase::send || e.what == http::phase::tunnel) {
        std::istringstream lines{std::string(e.detail)};
        for (std::string l; std::getline(lines, l);)
          if (l != "\r") std::cerr << "> " << l << "\n";
      }
      if (e.what == http::phase::headers && e.fields) {
        std::cerr << "< " << e.detail << "\n";
        for (auto& [k, v] : *e.fields) std::cerr << "< " << k << ": " << v << "\n";
      }
      if (e.what == http::phase::redirect) std::cerr << "* Following redirect to " << e.detail << "\n";
    }
    if (e.what == http::phase::headers && e.fields) {
      code = std::atoi(std::string(e.detail.substr(std::min<std::size_t>(9, e.detail.size()))).c_str());
      if (auto cl = e.fields->get("content-length")) bar.expect(std::strtoull(cl->c_str(), nullptr, 10));
      suppressed = o.fail && code >= 400;
      if ((o.include || o.head) && !suppressed) print_head(std::cout, e.detail, *e.fields);
      std::cout.flush();
    }
  };
  auto to_output = bar.wrap(out);
  p.sink = [&](ltn12::chunk c, const std::optional<copas::error>& e) -> result<void> {
    if (suppressed) return {};
    return to_output(std::move(c), e);
  };
  auto r = http::request(std::move(p));
  bar.finish();
  if (!r && r.partial().redirect_limit_reached)
    return fail(o, too_many_redirects, "Maximum (" + std::to_string(o.max_redirs) +
                                           ") redirects followed (" + at.host + " port " +
                                           std::to_string(at.port) + ")");
  if (!r) {
    auto e = r.error();
    int rc = exit_code_for(e, at);
    if (e.message() == "Unallowed insecure redirect https to http") rc = unsupported_protocol;
    return fail(o, rc, std::string(phase_name(at.what)) + " to " + at.host + " port " +
                           std::to_string(at.port) + " failed: " + e.message());
  }
  if (o.fail && r->code >= 400)
    return fail(o, http_error, "The requested URL returned error: " + std::to_string(r->code) + " (" +
                                   at.host + " port " + std::to_string(at.port) + ")");
  return ok;
}

}  // namespace

register_scheme http_scheme("http", run_http);
register_scheme https_scheme("https", run_http);

}  // namespace copas::fetch
