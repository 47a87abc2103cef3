#pragma once
// curl's cookie engine, the part scripts use: -b NAME=VAL;... sent as is, -b FILE read (Netscape
// format or Set-Cookie lines), cookies from Set-Cookie kept across redirects, -c FILE written in
// the Netscape format curl writes.

#include <cstdint>
#include <string>
#include <vector>

namespace copas::fetch {

class cookie_jar {
 public:
  struct cookie {
    std::string domain;  // without the leading dot
    bool subdomains = false;
    std::string path = "/";
    bool secure = false, http_only = false;
    std::int64_t expires = 0;  // 0: session
    std::string name, value;
  };

  // Reads a Netscape cookie file; false when it cannot be read (curl ignores that).
  bool load(const std::string& file);
  // A Set-Cookie value received from `host` for `path`.
  void receive(const std::string& set_cookie, const std::string& host,
               const std::string& request_path);
  // The Cookie header value for a request ("" when none).
  std::string header_for(const std::string& host, const std::string& path, bool https) const;
  bool save(const std::string& file) const;

 private:
  std::vector<cookie> all_;
};

}  // namespace copas::fetch
