#pragma once
// ASCII case folding for protocol text: header names, commands, schemes, tokens.
//
// Protocol keywords are ASCII and case-insensitive by the letter of their RFCs, whatever the
// process's locale says: std::tolower would fold "I" to a dotless "ı" under a Turkish locale,
// and it costs a call into libc per character (it showed in copas-proxy's profile).

#include <string>
#include <string_view>

#include <copas/core/api_prefix.hpp>

namespace copas::ascii {

constexpr char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}
constexpr char upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
}

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower(c);
  return out;
}

inline std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = upper(c);
  return out;
}

// True when `a` and `b` are equal ignoring ASCII case.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// True when `word` occurs in `text`, ignoring ASCII case (a token in a header value: "close" in
// "Keep-Alive, Close"), without lower-casing a copy of `text`.
constexpr bool icontains(std::string_view text, std::string_view word) noexcept {
  if (word.size() > text.size()) return false;
  for (std::size_t i = 0; i + word.size() <= text.size(); ++i)
    if (iequals(text.substr(i, word.size()), word)) return true;
  return false;
}

}  // namespace copas::ascii

#include <copas/core/api_suffix.hpp>
