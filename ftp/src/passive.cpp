#include "passive.hpp"

#include <array>
#include <charconv>

namespace copas::ftp::detail {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A digit run at `at` as a number, capped so that huge runs cannot overflow.
std::size_t digit_run(std::string_view s, std::size_t at, unsigned long& value) {
  std::size_t end = at;
  value = 0;
  while (end < s.size() && is_digit(s[end])) {
    if (value < 1000000) value = value * 10 + static_cast<unsigned long>(s[end] - '0');
    ++end;
  }
  return end - at;
}

}  // namespace

std::optional<pasv_address> parse_pasv(std::string_view text) {
  for (std::size_t start = 0; start < text.size(); ++start) {
    std::array<unsigned long, 6> v{};
    std::size_t at = start;
    bool ok = true;
    for (std::size_t i = 0; i < v.size() && ok; ++i) {
      std::size_t n = digit_run(text, at, v[i]);
      if (n == 0) ok = false;
      at += n;
      // Between two groups exactly one non-digit (a digit there would have been eaten).
      if (ok && i + 1 < v.size()) {
        if (at >= text.size()) ok = false;
        ++at;
      }
    }
    if (!ok) continue;
    for (auto x : v)
      if (x > 255) return std::nullopt;
    pasv_address a;
    a.ip = std::to_string(v[0]) + "." + std::to_string(v[1]) + "." + std::to_string(v[2]) + "." +
           std::to_string(v[3]);
    a.port = static_cast<std::uint16_t>(v[4] * 256 + v[5]);
    if (a.port == 0) return std::nullopt;
    return a;
  }
  return std::nullopt;
}

std::optional<std::uint16_t> parse_epsv(std::string_view text) {
  for (auto open = text.find('('); open != std::string_view::npos;
       open = text.find('(', open + 1)) {
    if (open + 1 >= text.size()) break;
    const char d = text[open + 1];
    auto p1 = text.find(d, open + 2);
    if (p1 == std::string_view::npos) continue;
    auto p2 = text.find(d, p1 + 1);
    if (p2 == std::string_view::npos) continue;
    const char end[2] = {d, ')'};
    auto p3 = text.find(std::string_view(end, 2), p2 + 1);
    if (p3 == std::string_view::npos) continue;
    auto port = text.substr(p2 + 1, p3 - p2 - 1);
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535)
      return std::nullopt;
    return static_cast<std::uint16_t>(value);
  }
  return std::nullopt;
}

bool is_public_ipv4(std::string_view ip) {
  std::array<unsigned, 4> b{};
  const char* p = ip.data();
  const char* end = ip.data() + ip.size();
  for (std::size_t i = 0; i < 4; ++i) {
    auto [next, ec] = std::from_chars(p, end, b[i]);
    if (ec != std::errc() || b[i] > 255) return false;
    p = next;
    if (i < 3) {
      if (p == end || *p != '.') return false;
      ++p;
    }
  }
  if (p != end) return false;
  if (b[0] == 0 || b[0] == 10 || b[0] == 127) return false;
  if (b[0] == 169 && b[1] == 254) return false;
  if (b[0] == 172 && b[1] >= 16 && b[1] < 32) return false;
  if (b[0] == 192 && b[1] == 168) return false;
  if (b[0] == 100 && b[1] >= 64 && b[1] < 128) return false;
  return true;
}

}  // namespace copas::ftp::detail
