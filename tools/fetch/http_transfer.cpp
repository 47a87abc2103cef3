// http:// and https:// for copas-fetch, on copas::http::request with curl's redirect policy.
#include "cookie_jar.hpp"
#include "exit_codes.hpp"
#include "inflate.hpp"
#include "proxy_env.hpp"
#include "request_body.hpp"
#include "transfer.hpp"

#include <copas/core/pause.hpp>
#include <copas/core/time.hpp>
#include <copas/http.hpp>
#include <copas/net/ascii.hpp>
#include <copas/net/dns.hpp>
#include <copas/net/mime.hpp>
#include <copas/net/url.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace copas::fetch {

namespace {

constexpr std::uint64_t expect_threshold = 1024 * 1024;  // curl's: Expect: 100-continue above 1 MiB

struct where {
  http::phase what = http::phase::connect;
  std::string host;
  std::uint16_t port = 0;
  bool got_status = false;
};

std::string basic(const std::string& userpass) {
  return "Basic " + mime::b64(userpass).out.value_or("");
}

std::string path_of(const std::string& url) {
  auto u = url::parse(url);
  return u && u->path && !u->path->empty() ? *u->path : "/";
}
std::string host_of(const std::string& url) {
  auto u = url::parse(url);
  return u && u->host ? *u->host : "";
}

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
    case http::phase::connect_failed: return "connect";
  }
  return "?";
}

int exit_for(const copas::error& e, const where& at, std::string& msg, const options& o,
             std::uint64_t received) {
  auto text = e.message();
  auto peer = at.host + " port " + std::to_string(at.port) + ", " + phase_name(at.what);
  if (e == http::errc::too_many_redirects) {
    msg = "Maximum (" + std::to_string(o.max_redirs) + ") redirects followed";
    return too_many_redirects;
  }
  if (e == http::errc::unknown_scheme || e == http::errc::insecure_redirect) {
    auto q = text.find('\'');
    std::string scheme =
        q == std::string::npos ? text : text.substr(q + 1, text.rfind('\'') - q - 1);
    msg = "Protocol \"" + scheme + "\" not supported or disabled in libcurl";
    return unsupported_protocol;
  }
  if (e == copas::errc::invalid_argument) {
    msg = "URL using bad/illegal format or missing URL (" + text + ")";
    return bad_url;
  }
  if (e == copas::errc::host_not_found || e == copas::errc::try_again ||
      text.starts_with("host not found")) {
    msg = "Could not resolve host: " + at.host + " (" + text + ")";
    return host_not_resolved;
  }
  if (e == copas::errc::timeout) {
    msg = at.what == http::phase::connect ? "Connection timed out (" + peer + ")"
                                          : "Operation timed out with " + std::to_string(received) +
                                                " bytes received (" + peer + ")";
    return timed_out;
  }
  // Client certificates (the TLS issue's errc::local_certificate and errc::certificate_rejected,
  // told apart by their category text so that this builds with and without them): curl's 58, 56.
  const std::string kind = e.code().message();
  if (kind.starts_with("local certificate")) {
    msg = "could not load the client certificate or key (" + text + ")";
    return local_cert;
  }
  if (kind.starts_with("the peer rejected")) {
    msg = at.host + " port " + std::to_string(at.port) + " rejected the client certificate (" +
          text + ")";
    return recv_error;
  }
  if (e == copas::errc::handshake_failed) {
    msg = "TLS handshake with " + at.host + " port " + std::to_string(at.port) + " failed: " + text;
    if (text.find("certificate verify") != std::string::npos ||
        text.find("issuer") != std::string::npos || text.find("self-signed") != std::string::npos ||
        text.find("hostname mismatch") != std::string::npos)
      return cert_untrusted;
    return tls_connect_failed;
  }
  if (at.what == http::phase::tunnel) {
    msg = "CONNECT tunnel failed (" + peer + "): " + text;
    return e == copas::errc::protocol_error ? recv_error : connect_failed;
  }
  if (at.what == http::phase::connect) {
    msg = "Failed to connect to " + at.host + " port " + std::to_string(at.port) + ": " + text;
    return connect_failed;
  }
  if (at.what == http::phase::status && !at.got_status && e == copas::errc::closed) {
    msg = "Empty reply from server (" + peer + ")";
    return empty_reply;
  }
  if (text == "bad content encoding") {
    msg = "Error while processing content unencoding";
    return 61;
  }
  if (at.what == http::phase::body && e == copas::errc::closed) {
    msg = "transfer closed with outstanding read data remaining (" + peer + ")";
    return partial_file;
  }
  if (e == copas::errc::protocol_error) {
    msg = "Weird server reply (" + peer + "): " + text;
    return weird_reply;
  }
  msg = "Failure when receiving data from " + peer + ": " + text;
  return at.what == http::phase::send ? send_error : recv_error;
}

// curl's --resolve HOST:PORT:ADDR and -4/-6, as the request's connect_to.
std::function<std::optional<std::string>(std::string_view, std::uint16_t)> address_picker(
    const options& o) {
  if (o.resolve.empty() && o.ip_version == 0) return {};
  return [&o](std::string_view host, std::uint16_t port) -> std::optional<std::string> {
    for (auto& r : o.resolve) {
      auto c1 = r.find(':');
      auto c2 = c1 == std::string::npos ? c1 : r.find(':', c1 + 1);
      if (c2 == std::string::npos) continue;
      std::string h = r.substr(0, c1), p = r.substr(c1 + 1, c2 - c1 - 1), a = r.substr(c2 + 1);
      if (a.starts_with("[") && a.ends_with("]")) a = a.substr(1, a.size() - 2);
      if ((h == "*" || ascii::lower(h) == ascii::lower(std::string(host))) &&
          (p == "*" || p == std::to_string(port)))
        return a;
    }
    if (o.ip_version == 0) return std::nullopt;
    auto addrs = dns::resolve(host);
    if (!addrs) return std::nullopt;
    for (auto& a : *addrs)
      if ((a.find(':') != std::string::npos) == (o.ip_version == 6)) return a;
    return std::string(o.ip_version == 6 ? "::" : "0.0.0.0") +
           "-no-address";  // fails as unresolved
  };
}

void run_http(const options& o, const transfer_spec& spec, output& out, transfer_report& rep) {
  const double started = copas::gettime();
  http::request_params p;
  std::string body_error;
  auto body = build_body(o, spec, body_error);
  if (!body_error.empty()) return fail(rep, read_error, body_error);
  std::string url = spec.url;
  if (!body.query.empty()) {
    auto hash = url.find('#');
    std::string frag = hash == std::string::npos ? "" : url.substr(hash);
    url = url.substr(0, hash);
    url += (url.find('?') == std::string::npos ? "?" : "&") + body.query + frag;
  }
  if (!spec.upload.empty() && spec.upload != "-" && url.ends_with("/"))
    url += std::filesystem::path(spec.upload).filename().string();  // curl: -T FILE URL/
  p.url = url;
  p.method = body.method;
  rep.method = o.method.value_or(body.method);
  p.policy = http::redirect_policy::curl;
  p.redirect = o.location ? http::redirect_mode::all : http::redirect_mode::none;
  if (o.max_redirs < 0)
    p.maxredirects = std::nullopt;
  else
    p.maxredirects = o.max_redirs;
  p.rules = {.post301 = o.post301, .post302 = o.post302, .post303 = o.post303};
  p.strip_credentials = !o.location_trusted;
  p.received_names = true;
  p.without = {"te", "connection"};
  if (o.http10) p.version = "HTTP/1.0";
  p.timeout = http::timeouts{.connect = o.connect_timeout.value_or(300), .send = -1, .receive = -1};
  p.deadline = o.max_time;
  p.connect_to = address_picker(o);
  p.expect_continue_above = body.upload ? 0 : expect_threshold;
  if (body.make) {
    p.source = body.make();
    if (spec.upload != "-") p.resend = body.make;
    if (body.length) p.headers.set("Content-Length", std::to_string(*body.length));
    rep.size_upload = body.length.value_or(0);
  }

  // Default headers, then -H: "Name: v" replaces a default, "Name:" removes it, "Name;" sends
  // it empty.
  p.headers.set("User-Agent", o.user_agent.value_or("copas-fetch/1.0"));
  p.headers.set("Accept", body.json ? "application/json" : "*/*");
  if (body.content_type) p.headers.set("Content-Type", *body.content_type);
  if (o.referer) p.headers.set("Referer", *o.referer);
  if (o.compressed) p.headers.set("Accept-Encoding", "deflate, gzip");
  std::optional<std::uint64_t> resume_from;
  if (o.resume) {
    if (*o.resume == "-") {
      std::error_code ec;
      auto sz = out.is_stdout() ? 0 : std::filesystem::file_size(out.path(), ec);
      if (!ec && sz > 0) resume_from = sz;
    } else if (auto n = std::strtoull(o.resume->c_str(), nullptr, 10); n > 0) {
      resume_from = n;
    }
    if (resume_from) p.headers.set("Range", "bytes=" + std::to_string(*resume_from) + "-");
  }
  if (o.range) p.headers.set("Range", "bytes=" + *o.range);
  std::optional<std::string> user = o.user;
  if (!user && (o.netrc || o.netrc_file)) {
    auto u = url::parse(url);
    if (u && !u->user)
      if (auto cred = netrc_lookup(o.netrc_file.value_or(""), host_of(url)))
        user = cred->first + ":" + cred->second;
  }
  if (user)
    p.headers.set("Authorization",
                  basic(user->find(':') == std::string::npos ? *user + ":" : *user));

  auto jar = std::make_shared<cookie_jar>();
  bool jar_on = o.cookie_jar.has_value();
  std::string literal_cookies;
  for (auto& c : o.cookies) {
    if (c.find('=') != std::string::npos) {
      literal_cookies += (literal_cookies.empty() ? "" : "; ") + c;
    } else {
      jar_on = true;
      jar->load(c);
    }
  }
  auto cookie_header = [&](const std::string& u) {
    std::string v = literal_cookies;
    if (jar_on) {
      auto from_jar = jar->header_for(host_of(u), path_of(u), u.starts_with("https:"));
      if (!from_jar.empty()) v += (v.empty() ? "" : "; ") + from_jar;
    }
    return v;
  };
  if (auto c = cookie_header(url); !c.empty()) p.headers.set("Cookie", c);

  // -H, as curl: "Name: v" and "Name;" (sent empty) are all sent, the first of a name
  // replacing the default; "Name:" removes the default only (-H 'X: 1' -H 'X:' still sends X: 1).
  std::vector<std::pair<std::string, std::string>> user_fields;
  std::vector<std::string> removed;
  for (auto& h : o.headers) {
    auto colon = h.find(':');
    auto semi = h.find(';');
    if (colon == std::string::npos && semi != std::string::npos && semi + 1 == h.size()) {
      user_fields.emplace_back(h.substr(0, semi), "");
      continue;
    }
    if (colon == std::string::npos) continue;  // curl ignores it too
    auto name = h.substr(0, colon);
    auto v = h.substr(colon + 1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
    if (v.empty())
      removed.push_back(ascii::lower(name));
    else
      user_fields.emplace_back(name, v);
  }
  auto given = [&](const std::string& lower) {
    return std::any_of(user_fields.begin(), user_fields.end(),
                       [&](const auto& f) { return ascii::lower(f.first) == lower; });
  };
  for (auto& name : removed) {
    p.headers.erase(name);
    if (!given(name)) p.without.push_back(name);  // the library's own default (User-Agent, Host)
  }
  for (auto& [name, v] : user_fields) p.headers.erase(name);  // all erased before any is added
  for (auto& [name, v] : user_fields) p.headers.append(name, v);

  // Proxy: -x, else the environment (http_proxy, HTTPS_PROXY, ALL_PROXY, NO_PROXY), as curl.
  auto px = proxy_for(o, url);
  p.proxy = px.value_or("");

  if (o.cert_type && ascii::upper(*o.cert_type) != "PEM")
    return fail(rep, local_cert, "--cert-type " + *o.cert_type + ": only PEM is supported");
  if (!o.cacert.empty() || o.insecure || o.cert) {
    ssl_params sp;
    sp.wrap.emplace();
    sp.wrap->mode = "client";
    sp.wrap->cafile = o.cacert;
    if (o.insecure) sp.wrap->verify = {"none"};
    if (o.cert) {
      // FILE[:PASSWORD]; a ':' escaped as '\:' belongs to the name.
      std::string file, pw;
      bool in_pw = false;
      for (std::size_t i = 0; i < o.cert->size(); ++i) {
        char c = (*o.cert)[i];
        if (!in_pw && c == '\\' && i + 1 < o.cert->size() && (*o.cert)[i + 1] == ':') {
          file += ':';
          ++i;
        } else if (!in_pw && c == ':') {
          in_pw = true;
        } else {
          (in_pw ? pw : file) += c;
        }
      }
      sp.wrap->certificate = file;
      sp.wrap->key = o.key.value_or(file);
      sp.wrap->password = pw;
    }
    p.sslparams = sp;
  }

  where at;
  std::string effective = url;
  int hops = 0;
  bool user_content_type = false;
  for (auto& h : o.headers)
    if (ascii::lower(h.substr(0, h.find(':'))) == "content-type") user_content_type = true;
  bool suppressed = false;
  bool write_failed = false;
  bool range_ignored = false;
  std::unique_ptr<output> header_file;
  if (o.dump_header && *o.dump_header != "-")
    header_file = std::make_unique<output>(*o.dump_header, o.create_dirs);
  ltn12::sink body_sink = out.sink();
  ltn12::sink current = body_sink;
  std::uint64_t received = 0;
  double body_start = 0;
  // curl's timings with -L: each time_* is the sum over the hops of that hop's time from its
  // own start (curl's t_startsingle) to its event; time_redirect is when the last hop started.
  struct hop_times {
    double start = 0;  // seconds since `started`
    bool connected = false, pretransfer = false, starttransfer = false;
    bool handshaking = false;  // this hop's TLS handshake began
  } hop;

  // Seconds from the start to the end of the event's connection's name lookup (`now` if none).
  auto lookup_ended = [&](const http::event& e, double now) {
    if (e.resolved_at == copas::clock::time_point{}) return now;
    return clock_reading{now}.seconds_at(e.resolved_at);
  };
  p.observer = [&](const http::event& e) {
    // curl's time_namelookup stands when the connect then fails; the failure itself is told by
    // the request's error, in the connect phase.
    if (e.what == http::phase::connect_failed) {
      if (!hop.connected && e.resolved_at != copas::clock::time_point{})
        rep.time_namelookup += lookup_ended(e, copas::gettime() - started) - hop.start;
      return;
    }
    if (e.what != http::phase::done && e.what != http::phase::redirect && !e.host.empty()) {
      at.host = std::string(e.host);
      at.port = e.port;
    }
    at.what = e.what;
    // The TCP connect is done when the next phase begins (CONNECT to a proxy, the TLS
    // handshake, or sending), the handshake when sending begins.
    if (e.what == http::phase::tunnel || e.what == http::phase::handshake ||
        e.what == http::phase::send) {
      const double now = copas::gettime() - started;
      if (!hop.connected && !e.remote_ip.empty()) {
        hop.connected = true;
        rep.time_connect += now - hop.start;
        rep.time_namelookup += (e.reused ? now : lookup_ended(e, now)) - hop.start;
        rep.remote_ip = std::string(e.remote_ip);
        rep.remote_port = e.remote_port;
        rep.local_ip = std::string(e.local_ip);
        rep.local_port = e.local_port;
      }
      if (e.what == http::phase::handshake) hop.handshaking = true;
      if (e.what == http::phase::send && !hop.pretransfer) {
        hop.pretransfer = true;
        if (hop.handshaking) rep.time_appconnect += now - hop.start;
        rep.time_pretransfer += now - hop.start;
      }
    }
    if (o.verbose) {
      if (e.what == http::phase::connect)
        std::cerr << "* " << (e.reused ? "Re-using connection to " : "Connecting to ") << e.host
                  << " port " << e.port << "\n";
      if (e.what == http::phase::send || e.what == http::phase::tunnel) {
        std::istringstream lines{std::string(e.detail)};
        for (std::string l; std::getline(lines, l);)
          if (l != "\r") std::cerr << "> " << l << "\n";
      }
      if (e.what == http::phase::headers && e.received) {
        std::cerr << "< " << e.detail << "\n";
        for (auto& [k, v] : *e.received) std::cerr << "< " << k << ": " << v << "\n";
      }
    }
    if (e.what == http::phase::headers && e.fields) {
      at.got_status = true;
      if (!hop.starttransfer) {
        hop.starttransfer = true;
        rep.time_starttransfer += copas::gettime() - started - hop.start;
      }
      if (out.meter)
        if (auto* cl = e.fields->find("content-length"))
          out.meter->add_expected(std::strtoull(cl->c_str(), nullptr, 10));
      int code = std::atoi(
          std::string(e.detail.substr(std::min<std::size_t>(9, e.detail.size()))).c_str());
      rep.http_code = code;
      rep.http_version = e.detail.starts_with("HTTP/1.0") ? "1.0" : "1.1";
      if (jar_on)
        for (auto& [k, v] : *e.received)
          if (ascii::lower(k) == "set-cookie")
            jar->receive(v, host_of(effective), path_of(effective));
      std::string head = std::string(e.detail) + "\r\n";
      for (auto& [k, v] : *e.received) head += k + ": " + v + "\r\n";
      head += "\r\n";
      rep.size_header += head.size();
      suppressed = (o.fail && !o.fail_with_body && code >= 400);
      // -L with the redirect limit reached: curl writes nothing of the 3xx it stops at.
      bool redirect = code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
      if (o.location && redirect && e.fields->contains("location") && o.max_redirs >= 0 &&
          hops >= o.max_redirs)
        suppressed = true;
      if (resume_from && code == 200) {
        range_ignored = true;
        suppressed = true;
      }
      if (resume_from && code == 416) suppressed = true;
      if (o.include || o.head) {
        if (!out.write(head)) write_failed = true;
      }
      if (o.dump_header) {
        if (header_file)
          (void)header_file->write(head);
        else
          std::fwrite(head.data(), 1, head.size(), stdout);
      }
      current = body_sink;
      if (o.compressed)
        if (auto* enc = e.fields->find("content-encoding")) current = inflating(*enc, body_sink);
    }
    if (e.what == http::phase::body) body_start = copas::gettime();
  };
  p.on_redirect = [&](const http::redirect_hop& to, http::request_params& next) {
    effective = std::string(to.to);
    rep.url_effective = effective;
    ++hops;
    hop = hop_times{.start = copas::gettime() - started};
    rep.time_redirect = hop.start;
    if (o.method) next.method = *o.method;  // curl: -X applies to every hop
    if (!next.resend && body.content_type && !user_content_type) next.headers.erase("content-type");
    if (jar_on || !literal_cookies.empty()) {  // the engine's cookies, matched to the new URL
      next.headers.erase("cookie");
      if (auto c = cookie_header(effective); !c.empty()) next.headers.set("Cookie", c);
    }
    return true;
  };
  p.sink = [&](ltn12::chunk c, const std::optional<copas::error>& e) -> result<void> {
    if (suppressed) return {};
    if (c) {
      received += c->size();
      if (o.limit_rate && *o.limit_rate > 0) {
        double due =
            body_start + static_cast<double>(received) / static_cast<double>(*o.limit_rate);
        double now = copas::gettime();
        if (due > now) copas::pause(due - now);
      }
    }
    auto ok = current(std::move(c), e);
    if (!ok && ok.error().message() != "bad content encoding") write_failed = true;
    return ok;
  };
  if (o.method) p.method = *o.method;
  auto r = http::request(std::move(p));
  rep.time_total = copas::gettime() - started;
  rep.size_download = received;
  rep.url_effective = effective;
  rep.scheme = ascii::upper(effective.substr(0, effective.find(':')));  // curl: "HTTP"
  if (header_file) (void)header_file->finish();
  if (o.cookie_jar) jar->save(*o.cookie_jar);
  const http::response& res = r ? *r : r.partial();
  rep.num_redirects = res.redirects;
  if (auto ct = res.headers.get("content-type")) rep.content_type = *ct;
  if (auto loc = res.headers.get("location");
      loc && !o.location && res.code >= 300 && res.code < 400)
    rep.redirect_url = url::absolute(effective, *loc);
  if (auto ra = res.headers.get("retry-after")) rep.retry_after = std::atof(ra->c_str());
  if (write_failed)
    return fail(rep, write_error, "Failure writing output to destination: " + out.error);
  if (!r) {
    std::string msg;
    int code = exit_for(r.error(), at, msg, o, received);
    return fail(rep, code, msg);
  }
  if (range_ignored)
    return fail(rep, range_error,
                "HTTP server doesn't seem to support byte ranges. Cannot resume.");
  if ((o.fail || o.fail_with_body) && r->code >= 400 && !(resume_from && r->code == 416))
    return fail(rep, http_error, "The requested URL returned error: " + std::to_string(r->code));
  if (!out.finish()) return fail(rep, write_error, out.error);
}

}  // namespace

register_scheme http_scheme("http", run_http);
register_scheme https_scheme("https", run_http);

}  // namespace copas::fetch
