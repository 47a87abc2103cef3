// RFC 2047 encoded-words, B encoding (base64 keeps any byte safe; Q would need its own table of
// what may stand in each context), in UTF-8.
#include "encoded_words.hpp"

#include <copas/net/ascii.hpp>
#include <copas/net/header_names.hpp>
#include <copas/net/mime.hpp>

#include <algorithm>
#include <array>

namespace copas::smtp {

namespace {

// "=?UTF-8?B?" + 60 base64 characters + "?=" is 72, under the 75 an encoded-word may have.
constexpr std::size_t MAX_WORD_BYTES = 45;

bool is_continuation(char c) noexcept { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool is_space(char c) noexcept { return c == ' ' || c == '\t'; }

template <std::size_t N>
bool named(std::string_view name, const std::array<std::string_view, N>& names) {
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view n) { return header_names::same(n, name); });
}

bool is_address_header(std::string_view name) {
  static constexpr std::array<std::string_view, 11> names = {
      "from",        "to",        "cc",        "bcc",        "reply-to",     "sender",
      "resent-from", "resent-to", "resent-cc", "resent-bcc", "resent-sender"};
  return named(name, names);
}

bool is_structured_header(std::string_view name) {
  static constexpr std::array<std::string_view, 7> names = {
      "message-id", "references", "in-reply-to", "date", "mime-version", "received", "return-path"};
  return ascii::iequals(name.substr(0, std::min<std::size_t>(name.size(), 8)), "content-") ||
         named(name, names);
}

// A folded value made one line again (RFC 5322 §2.2.3: the CRLF goes, the blank stays).
std::string unfolded(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\r' && i + 1 < v.size() && v[i + 1] == '\n') {
      ++i;
      continue;
    }
    out += v[i];
  }
  return out;
}

std::string unstructured(std::string_view v) {
  std::size_t first = 0, last = v.size();
  while (first < v.size() && static_cast<unsigned char>(v[first]) < 0x80) ++first;
  while (last > first && static_cast<unsigned char>(v[last - 1]) < 0x80) --last;
  // Widen to whole words: an encoded-word must stand between blanks.
  while (first > 0 && !is_space(v[first - 1])) --first;
  while (last < v.size() && !is_space(v[last])) ++last;
  return std::string(v.substr(0, first)) + encoded_words(v.substr(first, last - first)) +
         std::string(v.substr(last));
}

// A display name, without its quotes and quoting backslashes.
std::string phrase_text(std::string_view p) {
  auto b = p.find_first_not_of(" \t"), e = p.find_last_not_of(" \t");
  if (b == std::string_view::npos) return {};
  p = p.substr(b, e - b + 1);
  if (p.size() < 2 || p.front() != '"' || p.back() != '"') return std::string(p);
  std::string out;
  for (std::size_t i = 1; i + 1 < p.size(); ++i) {
    if (p[i] == '\\' && i + 2 < p.size()) ++i;
    out += p[i];
  }
  return out;
}

std::string mailbox(std::string_view m) {
  auto lt = m.rfind('<');
  if (lt == std::string_view::npos || is_ascii(m.substr(0, lt))) return std::string(m);
  auto lead = m.find_first_not_of(" \t");
  return std::string(m.substr(0, lead)) + encoded_words(phrase_text(m.substr(0, lt))) + " " +
         std::string(m.substr(lt));
}

// Each comma-separated mailbox (commas inside quotes, angle brackets or comments do not count).
std::string address_list(std::string_view v) {
  std::string out;
  std::size_t start = 0;
  bool quoted = false;
  int angle = 0, comment = 0;
  for (std::size_t i = 0; i <= v.size(); ++i) {
    char c = i < v.size() ? v[i] : ',';
    if (quoted) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        quoted = false;
      if (i < v.size()) continue;
    }
    if (c == '"')
      quoted = true;
    else if (c == '<')
      ++angle;
    else if (c == '>' && angle > 0)
      --angle;
    else if (c == '(')
      ++comment;
    else if (c == ')' && comment > 0)
      --comment;
    else if (c == ',' && angle == 0 && comment == 0) {
      out += mailbox(v.substr(start, i - start));
      if (i < v.size()) out += ',';
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

bool is_ascii(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string encoded_words(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    std::size_t n = std::min(text.size(), MAX_WORD_BYTES);
    while (n < text.size() && n > 1 && is_continuation(text[n])) --n;  // whole characters only
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + mime::b64(std::string(text.substr(0, n))).out.value_or("") + "?=";
    text.remove_prefix(n);
  }
  return out;
}

std::string extended_parameter(std::string_view text) {
  static constexpr std::string_view hex = "0123456789ABCDEF";
  std::string out = "UTF-8''";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (alnum || std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

std::string encoded_header_value(std::string_view name, std::string_view value) {
  if (is_ascii(value) || is_structured_header(name)) return std::string(value);
  std::string line = unfolded(value);
  return is_address_header(name) ? address_list(line) : unstructured(line);
}

}  // namespace copas::smtp
