// -n / --netrc-file: the login and password of a "machine" entry (or "default"), as curl reads
// ~/.netrc.
#include "options.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace copas::fetch {

std::optional<std::pair<std::string, std::string>> netrc_lookup(const std::string& file,
                                                                const std::string& host) {
  std::string path = file;
  if (path.empty()) {
    const char* home = std::getenv("HOME");
    if (!home) return std::nullopt;
    path = std::string(home) + "/.netrc";
  }
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream all;
  all << in.rdbuf();
  std::string tok;
  bool match = false, found = false;
  std::string login, password;
  while (all >> tok) {
    if (tok == "machine" || tok == "default") {
      if (found) break;
      std::string name;
      if (tok == "machine") all >> name;
      match = tok == "default" || name == host;
      if (match) found = true;
    } else if (tok == "login" && all >> tok) {
      if (match) login = tok;
    } else if (tok == "password" && all >> tok) {
      if (match) password = tok;
    } else if (tok == "macdef") {
      std::string line;
      std::getline(all, line);
      while (std::getline(all, line) && !line.empty()) {
      }
    }
  }
  if (!found) return std::nullopt;
  return std::make_pair(login, password);
}

}  // namespace copas::fetch
