// The header names are those of LuaSocket's headers.lua that occur in mail (the HTTP-only ones
// are left to copas::http); the spelling rule is the same: Title-Case, with a few irregulars.
#include "mail_headers.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

namespace copas::smtp {

namespace {

char lower(char c) noexcept { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

constexpr std::string_view known[] = {
    "alternate-recipient", "arrival-date", "bcc", "cc", "comments", "content-description",
    "content-disposition", "content-encoding", "content-id", "content-language",
    "content-length", "content-location", "content-md5", "content-transfer-encoding",
    "content-type", "date", "diagnostic-code", "dsn-gateway", "final-log-id",
    "final-recipient", "from", "in-reply-to", "keywords", "last-attempt-date", "message-id",
    "mime-version", "original-envelope-id", "original-recipient", "received",
    "received-from-mta", "references", "remote-mta", "reply-to", "reporting-mta", "resent-bcc",
    "resent-cc", "resent-date", "resent-from", "resent-message-id", "resent-reply-to",
    "resent-sender", "resent-to", "return-path", "sender", "smtp-remote-recipient", "status",
    "subject", "to", "will-retry-until", "x-mailer"};

constexpr std::pair<std::string_view, std::string_view> irregular[] = {
    {"content-id", "Content-ID"}, {"content-md5", "Content-MD5"}, {"dsn-gateway", "DSN-Gateway"},
    {"final-log-id", "Final-Log-ID"}, {"message-id", "Message-ID"},
    {"mime-version", "MIME-Version"}, {"resent-message-id", "Resent-Message-ID"},
    {"smtp-remote-recipient", "SMTP-Remote-Recipient"}, {"x-mailer", "X-Mailer"}};

bool same_name(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

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
      if (i + 2 >= v.size() || v[i + 1] != '\n' || (v[i + 2] != ' ' && v[i + 2] != '\t')) return false;
      i += 2;
    }
  }
  return true;
}

}  // namespace

std::string* find_header(header_list& headers, std::string_view name) {
  for (auto& [n, v] : headers)
    if (same_name(n, name)) return &v;
  return nullptr;
}

std::string canonic(std::string_view name) {
  std::string low(name);
  for (auto& c : low) c = lower(c);
  for (auto& [k, v] : irregular)
    if (k == low) return std::string(v);
  if (std::find(std::begin(known), std::end(known), low) == std::end(known)) return std::string(name);
  bool start = true;
  for (auto& c : low) {
    if (start) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    start = c == '-';
  }
  return low;
}

result<void> check_headers(const header_list& headers) {
  for (auto& [name, value] : headers) {
    if (!good_name(name)) return error(copas::errc::invalid_argument, "invalid header name '" + name + "'");
    if (!good_value(value))
      return error(copas::errc::invalid_argument, "invalid line break in header '" + name + "'");
  }
  return {};
}

std::string header_block(const header_list& headers) {
  std::string out;
  for (auto& [name, value] : headers) out += canonic(name) + ": " + value + "\r\n";
  return out + "\r\n";
}

}  // namespace copas::smtp
