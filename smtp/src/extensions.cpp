// EHLO keywords are case-insensitive; old servers write "AUTH=LOGIN PLAIN" (the pre-RFC 4954
// form), which LuaSocket's pattern accepts too.
#include "extensions.hpp"
#include <copas/net/ascii.hpp>

#include <algorithm>
#include <cctype>

namespace copas::smtp {

namespace {

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '=')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '=') ++j;
    if (j > i) out.push_back(ascii::upper(line.substr(i, j - i)));
    i = j;
  }
  return out;
}

}  // namespace

bool extensions::offers_auth(std::string_view mechanism) const {
  return std::find(auth.begin(), auth.end(), mechanism) != auth.end();
}

extensions extensions::parse(std::string_view reply) {
  extensions ext;
  bool first = true;
  while (!reply.empty()) {
    auto nl = reply.find('\n');
    auto line = reply.substr(0, nl);
    reply = nl == std::string_view::npos ? std::string_view{} : reply.substr(nl + 1);
    if (first) {  // the greeting line names the server, not an extension
      first = false;
      continue;
    }
    auto w = words(line.size() > 4 ? line.substr(4) : std::string_view{});
    if (w.empty()) continue;
    if (w[0] == "AUTH")
      ext.auth.insert(ext.auth.end(), w.begin() + 1, w.end());
    else if (w[0] == "STARTTLS")
      ext.starttls = true;
    else if (w[0] == "SMTPUTF8")
      ext.smtputf8 = true;
    else if (w[0] == "8BITMIME")
      ext.eightbitmime = true;
  }
  return ext;
}

}  // namespace copas::smtp
