#pragma once
// Which proxy a URL goes through: -x, else curl's environment variables (http_proxy -- lower
// case only, as curl --, HTTPS_PROXY/https_proxy, ALL_PROXY/all_proxy), unless --noproxy or
// NO_PROXY/no_proxy lists the host ("*" for all; entries match the host and its subdomains).

#include "options.hpp"

#include <optional>
#include <string>

namespace copas::fetch {

// The proxy URL ("http://[user:pass@]host[:port]"), or std::nullopt for a direct connection.
std::optional<std::string> proxy_for(const options& o, const std::string& url);

}  // namespace copas::fetch
