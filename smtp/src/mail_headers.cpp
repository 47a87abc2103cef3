#include "mail_headers.hpp"

#include "encoded_words.hpp"

#include <copas/net/header_names.hpp>

#include <algorithm>

namespace copas::smtp {

namespace {

bool good_name(std::string_view name) noexcept {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 33 && u <= 126 && c != ':';
  });
}

bool good_value(std::string_view v) noexcept {
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\n') return false;  // every allowed LF is skipped below, with its CR
    if (v[i] == '\r') {
      if (i + 2 >= v.size() || v[i + 1] != '\n' || (v[i + 2] != ' ' && v[i + 2] != '\t'))
        return false;
      i += 2;
    }
  }
  return true;
}

}  // namespace

std::string* find_header(header_list& headers, std::string_view name) {
  for (auto& [n, v] : headers)
    if (header_names::same(n, name)) return &v;
  return nullptr;
}

result<void> check_headers(const header_list& headers) {
  for (auto& [name, value] : headers) {
    if (!good_name(name))
      return error(copas::errc::invalid_argument, "invalid header name '" + name + "'");
    if (!good_value(value))
      return error(copas::errc::invalid_argument, "invalid line break in header '" + name + "'");
  }
  return {};
}

std::string header_block(const header_list& headers) {
  std::string out;
  for (auto& [name, value] : headers)
    out += header_names::canonic(name) + ": " + encoded_header_value(name, value) + "\r\n";
  return out + "\r\n";
}

}  // namespace copas::smtp
