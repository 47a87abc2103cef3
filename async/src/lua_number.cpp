#include "lua_number.hpp"

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace copas::async::detail {
namespace {

int hex_value(char c) {
  return std::isdigit(static_cast<unsigned char>(c))
             ? c - '0'
             : (std::tolower(static_cast<unsigned char>(c)) - 'a') + 10;
}

// l_str2int: nullopt also when a decimal numeral overflows (it is then read as a float).
std::optional<std::int64_t> to_integer(const char* s) {
  constexpr std::uint64_t max_by_10 = std::numeric_limits<std::int64_t>::max() / 10;
  constexpr int max_last_digit = std::numeric_limits<std::int64_t>::max() % 10;
  std::uint64_t a = 0;
  bool empty = true;
  bool neg = false;
  if (*s == '-') {
    ++s;
    neg = true;
  } else if (*s == '+') {
    ++s;
  }
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    for (s += 2; std::isxdigit(static_cast<unsigned char>(*s)); ++s) {
      a = a * 16 + static_cast<std::uint64_t>(hex_value(*s));
      empty = false;
    }
  } else {
    for (; std::isdigit(static_cast<unsigned char>(*s)); ++s) {
      int d = *s - '0';
      if (a >= max_by_10 && (a > max_by_10 || d > max_last_digit + (neg ? 1 : 0)))
        return std::nullopt;
      a = a * 10 + static_cast<std::uint64_t>(d);
      empty = false;
    }
  }
  if (empty || *s != '\0') return std::nullopt;
  return static_cast<std::int64_t>(neg ? 0u - a : a);
}

}  // namespace

std::optional<number> to_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (auto i = to_integer(text.c_str())) return number(*i);
  if (std::strpbrk(text.c_str(), "nN")) return std::nullopt;  // no "inf" or "nan"
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return number(d);
}

std::string to_string(const number& n) {
  char buf[64];
  if (const auto* i = std::get_if<std::int64_t>(&n)) {
    std::snprintf(buf, sizeof buf, "%" PRId64, *i);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.14g", std::get<double>(n));
  std::string s = buf;
  if (s.find_first_not_of("-0123456789") == std::string::npos) s += ".0";
  return s;
}

}  // namespace copas::async::detail
