#pragma once
// Lua 5.4's io.read("n") (liolib.c read_number + lua_stringtonumber), for io_popen descriptors:
// the same characters are consumed and the same numerals accepted as by Lua reading a file.

#include <copas/async/popen.hpp>

#include <cctype>
#include <cstddef>
#include <optional>
#include <string>

namespace copas::async::detail {

struct numeral_scan {
  std::string text;      // the candidate numeral ("" if it outgrew Lua's 200-character buffer)
  std::size_t consumed;  // characters read past, leading white space included
};

// Scans like liolib's read_number: skips white space, then takes the longest prefix shaped like
// a numeral (sign, "0x", digits, '.', exponent), stopping at the first character that cannot
// continue it. `at(i)` returns the i-th unread character (0-255) or a negative value at the end.
// As in Lua, characters taken are consumed even when they turn out not to be a number.
template <class At>
numeral_scan scan_numeral(At&& at) {
  constexpr std::size_t max_length = 200;  // L_MAXLENNUM
  std::size_t i = 0;
  int c = at(0);
  while (c >= 0 && std::isspace(c)) c = at(++i);
  std::string text;
  bool overflow = false;
  auto next = [&] {
    if (text.size() >= max_length) {
      overflow = true;
      return false;
    }
    text.push_back(static_cast<char>(c));
    c = at(++i);
    return true;
  };
  auto test2 = [&](const char* set) { return c >= 0 && (c == set[0] || c == set[1]) && next(); };
  auto digits = [&](bool hex) {
    int n = 0;
    while (c >= 0 && (hex ? std::isxdigit(c) : std::isdigit(c)) && next()) ++n;
    return n;
  };
  int count = 0;
  bool hex = false;
  test2("-+");
  if (test2("00")) {
    if (test2("xX"))
      hex = true;
    else
      count = 1;  // the leading '0' is a digit
  }
  count += digits(hex);
  if (test2("..")) count += digits(hex);
  if (count > 0 && test2(hex ? "pP" : "eE")) {
    test2("-+");
    digits(false);
  }
  if (overflow) text.clear();
  return {std::move(text), i};
}

// lua_stringtonumber on a whole string without surrounding space: an integer (decimal that fits,
// or hexadecimal, wrapping around) or else a float (strtod, "inf"/"nan" refused).
std::optional<number> to_number(const std::string& text);

// Lua's tostring of a number: "%d", or "%.14g" with ".0" added when it looks like an integer.
std::string to_string(const number& n);

}  // namespace copas::async::detail
