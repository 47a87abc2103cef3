#include "proxy_env.hpp"

#include <copas/net/ascii.hpp>
#include <copas/net/url.hpp>

#include <cstdlib>
#include <sstream>

namespace copas::fetch {

namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

bool listed(const std::string& list, const std::string& host) {
  std::stringstream ss(list);
  std::string h = ascii::lower(host);
  for (std::string e; std::getline(ss, e, ',');) {
    auto b = e.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    e = ascii::lower(e.substr(b, e.find_last_not_of(' ') - b + 1));
    if (e == "*") return true;
    if (e.starts_with(".")) e = e.substr(1);
    if (h == e || (h.size() > e.size() && h.ends_with("." + e))) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> proxy_for(const options& o, const std::string& url) {
  auto u = url::parse(url);
  std::string host = u && u->host ? *u->host : "";
  std::string scheme = ascii::lower(u && u->scheme ? *u->scheme : "http");
  auto no = o.noproxy ? o.noproxy : env("NO_PROXY") ? env("NO_PROXY") : env("no_proxy");
  if (no && listed(*no, host)) return std::nullopt;
  std::optional<std::string> p = o.proxy;
  if (!p) {
    if (scheme == "http")
      p = env("http_proxy");
    else if (scheme == "https")
      p = env("HTTPS_PROXY") ? env("HTTPS_PROXY") : env("https_proxy");
    if (!p) p = env("ALL_PROXY") ? env("ALL_PROXY") : env("all_proxy");
  }
  if (!p || p->empty()) return std::nullopt;
  if (p->find("://") == std::string::npos) *p = "http://" + *p;
  return p;
}

}  // namespace copas::fetch
