#include "redirect.hpp"

#include <copas/http/errors.hpp>
#include <copas/net/ascii.hpp>
#include <copas/net/url.hpp>

#include <cctype>
#include <cstdio>

namespace copas::http::detail {

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// curl sends a Location with spaces or 8-bit bytes percent-encoded (a server that writes
// "Location: /a b" means "/a%20b"); everything else is kept as written.
std::string encoded_location(std::string_view loc) {
  std::string out;
  out.reserve(loc.size());
  for (unsigned char c : loc) {
    if (c <= 0x20 || c >= 0x7f) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool is_redirect(int code, redirect_policy policy) {
  return code == 301 || code == 302 || code == 303 || code == 307 ||
         (code == 308 && policy == redirect_policy::curl);
}

// curl's method for the next hop; `keeps_body` says whether the body goes again.
std::string curl_method(const request_params& p, int code, bool& keeps_body) {
  keeps_body = true;
  const bool post = p.method == "POST";
  if (code == 303 && p.method != "HEAD" && !(post && p.rules.post303)) {
    keeps_body = false;
    return "GET";
  }
  if (post && ((code == 301 && !p.rules.post301) || (code == 302 && !p.rules.post302))) {
    keeps_body = false;
    return "GET";
  }
  return p.method;
}

}  // namespace

redirect_plan plan_redirect(const request_params& p, const target& t, int code, const headers& h,
                            const headers& received, bool was_https) {
  redirect_plan plan;
  auto* location = h.find("location");
  if (!location || p.redirect == redirect_mode::none || !is_redirect(code, p.policy)) return plan;
  auto loc = trimmed(*location);
  if (loc.empty()) return plan;
  const bool curl = p.policy == redirect_policy::curl;
  if (!curl && ((p.method != "GET" && p.method != "HEAD") || p.source)) return plan;

  auto* raw = received.find("location");
  if (curl && raw && raw->find_first_of("\r\n") != std::string::npos) {
    plan.what = redirect_plan::fail;
    plan.error =
        copas::error(copas::errc::invalid_argument, "malformed Location (a CR or LF in it)");
    return plan;
  }
  auto next_url = url::absolute(p.url, curl ? encoded_location(loc) : std::string(loc));
  auto next = url::parse(next_url);
  std::string scheme = ascii::lower(next && next->scheme ? *next->scheme : "http");
  if (scheme != "http" && scheme != "https") {
    plan.what = redirect_plan::fail;
    plan.error =
        copas::error(make_error_code(errc::unknown_scheme), "unknown scheme '" + scheme + "'");
    return plan;
  }
  if (was_https && scheme == "http" && p.redirect != redirect_mode::all) {
    plan.what = redirect_plan::fail;
    plan.error = copas::error(make_error_code(errc::insecure_redirect),
                              "Unallowed insecure redirect https to http");
    return plan;
  }

  request_params& n = plan.next;
  bool keeps_body = false;
  if (curl) {
    n.method = curl_method(p, code, keeps_body);
    if (keeps_body && p.source) {
      if (!p.resend) return plan;  // the body cannot be sent twice: the 3xx is the answer
      plan.resend_body = true;
    }
  }
  // LuaSocket carries url, source, sink, headers, proxy, maxredirects and the count; the
  // method is not carried (a redirected HEAD becomes a GET). copas-cpp carries every other
  // option too (redirect, timeouts, TLS parameters, keep-alive, callbacks) and drops the body,
  // the URL-part overrides, the request-target and the step; the curl policy keeps the method
  // as curl does.
  std::string method = std::move(n.method);
  n = p;
  n.method = curl ? std::move(method) : std::string("GET");
  n.url = next_url;
  n.source = {};
  if (!plan.resend_body) n.resend = {};
  n.step = {};
  n.uri.reset();
  for (auto* part :
       {&n.scheme, &n.host, &n.port, &n.path, &n.params, &n.query, &n.user, &n.password})
    part->reset();
  if (!(next && next->scheme && ascii::lower(*next->scheme) == t.scheme)) n.create = {};
  n.nredirects = p.nredirects + 1;
  if (curl && !plan.resend_body) {  // the body is dropped, and what described it
    n.headers.erase("content-length");
    n.headers.erase("transfer-encoding");
    n.headers.erase("expect");
  }

  url::parsed dflt;
  dflt.scheme = "http";
  auto parsed = url::parse(next_url, dflt);
  std::string host = parsed && parsed->host ? ascii::lower(*parsed->host) : std::string();
  std::uint16_t port = scheme == "https" ? SSLPORT : PORT;
  if (parsed && parsed->port && !parsed->port->empty())
    port = static_cast<std::uint16_t>(std::atoi(parsed->port->c_str()));
  plan.other_host = host != ascii::lower(t.host) || port != t.port || scheme != t.scheme;
  if (plan.other_host && p.strip_credentials) {
    n.headers.erase("authorization");
    n.headers.erase("cookie");
  }
  plan.what = redirect_plan::follow;
  return plan;
}

}  // namespace copas::http::detail
