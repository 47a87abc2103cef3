// Dot-segment removal exactly as LuaSocket's url.lua does it: a fixed sequence of Lua pattern
// substitutions, each reproduced here with its pattern in the comment. It is not RFC 3986's
// algorithm (it also runs over the scheme and authority of a whole URL, where it can matter),
// and url.lua's results, not the RFC's, are the reference.
#include "url_dot_segments.hpp"

#include <string_view>

namespace copas::url::detail {
namespace {

constexpr char marker = '\1';

// Start of the run of non-'/' bytes before the one starting at `pos` (skipping slashes).
std::size_t previous_run(const std::string& s, std::size_t pos) {
  while (pos > 0 && s[pos - 1] == '/') --pos;
  while (pos > 0 && s[pos - 1] != '/') --pos;
  return pos;
}

}  // namespace

std::string remove_dot_components(std::string path) {
  // repeat gsub('//', '/' .. marker .. '/', 1): empty segments become non-empty, so that ".."
  // never swallows them.
  std::string s;
  s.reserve(path.size() + path.size() / 2);
  for (std::size_t i = 0; i < path.size(); ++i) {
    s += path[i];
    if (path[i] == '/' && i + 1 < path.size() && path[i + 1] == '/') s += marker;
  }

  // repeat gsub('/%./', '/', 1). A new match can only start where the last one was.
  for (std::size_t at = s.find("/./"); at != std::string::npos; at = s.find("/./", at)) {
    s.erase(at + 1, 2);
  }

  // repeat gsub('[^/]+/%.%./([^/]+)', '%1', 1): the leftmost segment followed by "/../" and a
  // further segment goes away with the "/../". A replacement can only enable a match in the two
  // segments before it, so the scan resumes there instead of at the start.
  for (std::size_t from = 0;;) {
    bool replaced = false;
    for (std::size_t i = from; i < s.size();) {
      if (s[i] == '/') {
        ++i;
        continue;
      }
      const auto end = s.find('/', i);
      if (end == std::string::npos) break;
      if (s.compare(end, 4, "/../") == 0 && end + 4 < s.size() && s[end + 4] != '/') {
        s.erase(i, end + 4 - i);
        from = previous_run(s, previous_run(s, i));
        replaced = true;
        break;
      }
      i = end;
    }
    if (!replaced) break;
  }

  // gsub('[^/]+/%.%./*$', ''): a segment followed by a final ".." (and any slashes).
  if (const auto last = s.find_last_not_of('/'); last != std::string::npos && last >= 3 &&
                                                 s.compare(last - 2, 3, "/..") == 0 &&
                                                 s[last - 3] != '/') {
    s.erase(previous_run(s, last - 2));
  }
  // gsub('/%.%.$', '/'), gsub('/%.$', '/'), gsub('^/%.%./', '/')
  if (s.ends_with("/..")) s.erase(s.size() - 2);
  if (s.ends_with("/.")) s.erase(s.size() - 1);
  if (s.starts_with("/../")) s.erase(1, 3);
  // gsub(marker, '')
  std::erase(s, marker);
  return s;
}

}  // namespace copas::url::detail
