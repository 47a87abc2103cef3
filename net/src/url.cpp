// URL parsing and building, ported from LuaSocket's url.lua (master). Hand-written rather than
// on Boost.URL because the behaviour to keep is url.lua's, which a strict RFC 3986 parser does
// not give: it accepts any bytes (spaces, raw '%', "[" in hosts), splits ";params" off the
// path, never normalizes or decodes, and escape() uses lower-case hex.
#include <copas/net/url.hpp>

#include "url_dot_segments.hpp"

namespace copas::url {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool is_word(char c) { return is_alnum(c) || c == '_'; }  // Lua's [A-Za-z0-9_]

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX for every byte `keep` rejects, with the given hex digits (url.lua's escape is lower case,
// its protect_segment upper case).
template <class Keep>
std::string escape_bytes(std::string_view s, Keep keep, const char* digits) {
  std::string out;
  out.reserve(s.size() * 3);
  for (char c : s) {
    if (keep(c)) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += digits[b >> 4];
      out += digits[b & 0x0f];
    }
  }
  return out;
}

// The characters allowed unescaped in a path segment besides [A-Za-z0-9_] (url.lua's segment_set).
bool segment_safe(char c) {
  return is_word(c) || std::string_view("-_.!~*'():@&=+$,").find(c) != std::string_view::npos;
}

std::string protect_segment(std::string_view s) {
  return escape_bytes(s, segment_safe, "0123456789ABCDEF");
}

// Takes everything from the first `sep` to the end out of `s` (url.lua's gsub("%?(.*)", ...)).
std::optional<std::string> cut_from(std::string& s, char sep) {
  const auto at = s.find(sep);
  if (at == std::string::npos) return std::nullopt;
  std::string tail = s.substr(at + 1);
  s.erase(at);
  return tail;
}

// url.lua's absolute_path: merge with the base's directory, then drop dot segments.
std::string absolute_path(std::string_view base_path, std::string_view relative_path) {
  if (!relative_path.empty() && relative_path.front() == '/') {
    return detail::remove_dot_components(std::string(relative_path));
  }
  // Keep the base's directory: everything up to its last '/', or "/" when it has none.
  const auto slash = base_path.rfind('/');
  std::string path(slash == std::string_view::npos ? std::string_view("/")
                                                   : base_path.substr(0, slash + 1));
  path += relative_path;
  return detail::remove_dot_components(std::move(path));
}

}  // namespace

result<parsed> parse(std::string_view s, const parsed& defaults) {
  if (s.empty()) return copas::error(errc::invalid_argument, "invalid url");
  parsed u = defaults;
  std::string rest(s);
  // scheme: ^[%w][%w%+%-%.]*:
  if (is_alnum(rest.front())) {
    std::size_t i = 1;
    while (i < rest.size() &&
           (is_alnum(rest[i]) || rest[i] == '+' || rest[i] == '-' || rest[i] == '.'))
      ++i;
    if (i < rest.size() && rest[i] == ':') {
      u.scheme = rest.substr(0, i);
      rest.erase(0, i + 1);
    }
  }
  // authority: ^//([^/%?#]*)  (master; 3.1.0 stopped at '/' only)
  if (rest.starts_with("//")) {
    const auto end = rest.find_first_of("/?#", 2);
    const auto stop = end == std::string::npos ? rest.size() : end;
    u.authority = rest.substr(2, stop - 2);
    rest.erase(0, stop);
  }
  if (auto f = cut_from(rest, '#')) u.fragment = std::move(f);
  if (auto q = cut_from(rest, '?')) u.query = std::move(q);
  if (auto p = cut_from(rest, ';')) u.params = std::move(p);
  if (!rest.empty()) u.path = std::move(rest);
  if (!u.authority) return u;

  std::string auth = *u.authority;
  if (const auto at = auth.find('@'); at != std::string::npos) {
    u.userinfo = auth.substr(0, at);
    auth.erase(0, at + 1);
  }
  // port: :([^:%]]*)$ -- after the last ':' unless a ']' follows it (an IPv6 literal).
  if (const auto colon = auth.rfind(':');
      colon != std::string::npos && auth.find(']', colon) == std::string::npos) {
    u.port = auth.substr(colon + 1);
    auth.erase(colon);
  }
  if (!auth.empty()) {
    if (auth.size() > 2 && auth.front() == '[' && auth.back() == ']') {
      u.host = auth.substr(1, auth.size() - 2);
    } else {
      u.host = std::move(auth);
    }
  }
  if (!u.userinfo) return u;
  std::string user = *u.userinfo;
  if (const auto colon = user.rfind(':'); colon != std::string::npos) {
    u.password = user.substr(colon + 1);
    user.erase(colon);
  }
  u.user = std::move(user);
  return u;
}

std::string build(const parsed& u) {
  std::string url = u.path.value_or("");
  if (u.params) url += ";" + *u.params;
  if (u.query) url += "?" + *u.query;
  std::optional<std::string> authority = u.authority;
  if (u.host) {
    authority = u.host->find(':') != std::string::npos ? "[" + *u.host + "]" : *u.host;
    if (u.port) *authority += ":" + *u.port;
    std::optional<std::string> userinfo = u.userinfo;
    if (u.user) {
      userinfo = *u.user;
      if (u.password) *userinfo += ":" + *u.password;
    }
    if (userinfo) authority = *userinfo + "@" + *authority;
  }
  if (authority) url = "//" + *authority + url;
  if (u.scheme) url = *u.scheme + ":" + url;
  if (u.fragment) url += "#" + *u.fragment;
  return url;
}

namespace {

std::string resolve(const result<parsed>& base, std::string_view base_url,
                    std::string_view relative_url) {
  auto rel = parse(relative_url);
  std::string out;
  if (!base) {
    out = relative_url;
  } else if (!rel) {
    out = base_url;
  } else if (rel->scheme) {
    out = relative_url;
  } else {
    parsed& r = *rel;
    r.scheme = base->scheme;
    if (!r.authority) {
      r.authority = base->authority;
      if (!r.path) {
        r.path = base->path;
        if (!r.params) {
          r.params = base->params;
          if (!r.query) r.query = base->query;
        }
      } else {
        r.path = absolute_path(base->path.value_or(""), *r.path);
      }
    }
    out = build(r);
  }
  return detail::remove_dot_components(std::move(out));
}

}  // namespace

std::string absolute(std::string_view base, std::string_view relative) {
  return resolve(parse(base), base, relative);
}

std::string absolute(const parsed& base, std::string_view relative) {
  const std::string base_url = build(base);
  return resolve(result<parsed>(base), base_url, relative);
}

std::string escape(std::string_view s) { return escape_bytes(s, is_word, "0123456789abcdef"); }

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

path_segments parse_path(std::string_view path) {
  path_segments p;
  std::size_t i = 0;
  while (i < path.size()) {
    const auto slash = path.find('/', i);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > i) p.segments.push_back(unescape(path.substr(i, end - i)));
    i = end + 1;
  }
  p.is_absolute = path.starts_with('/');
  p.is_directory = path.ends_with('/');
  return p;
}

std::string build_path(const path_segments& p, bool unsafe) {
  std::string path;
  const auto& segs = p.segments;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    path += unsafe ? segs[i] : protect_segment(segs[i]);
    if (i + 1 < segs.size()) path += '/';
  }
  if (!segs.empty() && p.is_directory) path += '/';
  if (p.is_absolute) path.insert(0, "/");
  return path;
}

}  // namespace copas::url
