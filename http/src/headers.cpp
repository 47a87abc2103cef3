#include <copas/http/headers.hpp>

#include <algorithm>
#include <iterator>
#include <cctype>

namespace copas::http {

namespace {

char lower(char c) noexcept { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string lowered(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower(c);
  return out;
}

// The names of LuaSocket's headers.lua; every one is written Title-Case except the few below.
constexpr std::string_view known[] = {
    "accept", "accept-charset", "accept-encoding", "accept-language", "accept-ranges", "action",
    "alternate-recipient", "age", "allow", "arrival-date", "authorization", "bcc",
    "cache-control", "cc", "comments", "connection", "content-description",
    "content-disposition", "content-encoding", "content-id", "content-language",
    "content-length", "content-location", "content-md5", "content-range",
    "content-transfer-encoding", "content-type", "cookie", "date", "diagnostic-code",
    "dsn-gateway", "etag", "expect", "expires", "final-log-id", "final-recipient", "from", "host",
    "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since",
    "in-reply-to", "keywords", "last-attempt-date", "last-modified", "location", "max-forwards",
    "message-id", "mime-version", "original-envelope-id", "original-recipient", "pragma",
    "proxy-authenticate", "proxy-authorization", "range", "received", "received-from-mta",
    "references", "referer", "remote-mta", "reply-to", "reporting-mta", "resent-bcc",
    "resent-cc", "resent-date", "resent-from", "resent-message-id", "resent-reply-to",
    "resent-sender", "resent-to", "retry-after", "return-path", "sender", "server",
    "smtp-remote-recipient", "status", "subject", "te", "to", "trailer", "transfer-encoding",
    "upgrade", "user-agent", "vary", "via", "warning"};

constexpr std::pair<std::string_view, std::string_view> irregular[] = {
    {"content-id", "Content-ID"}, {"content-md5", "Content-MD5"}, {"dsn-gateway", "DSN-Gateway"},
    {"etag", "ETag"}, {"final-log-id", "Final-Log-ID"}, {"message-id", "Message-ID"},
    {"mime-version", "MIME-Version"}, {"resent-message-id", "Resent-Message-ID"},
    {"smtp-remote-recipient", "SMTP-Remote-Recipient"}, {"te", "TE"},
    {"www-authenticate", "WWW-Authenticate"}, {"x-mailer", "X-Mailer"},
    {"will-retry-until", "Will-Retry-Until"}};

}  // namespace

bool same_name(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string canonic(std::string_view name) {
  auto low = lowered(name);
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

headers::headers(std::initializer_list<field> fields) {
  for (auto& f : fields) set(f.first, f.second);
}

const std::string* headers::find(std::string_view name) const {
  for (auto& f : fields_)
    if (same_name(f.first, name)) return &f.second;
  return nullptr;
}

std::optional<std::string> headers::get(std::string_view name) const {
  if (auto* v = find(name)) return *v;
  return std::nullopt;
}

void headers::set(std::string name, std::string value) {
  for (auto& f : fields_)
    if (same_name(f.first, name)) {
      f.second = std::move(value);
      return;
    }
  fields_.emplace_back(std::move(name), std::move(value));
}

void headers::merge(std::string name, std::string value) {
  for (auto& f : fields_)
    if (same_name(f.first, name)) {
      f.second += ", ";
      f.second += value;
      return;
    }
  fields_.emplace_back(std::move(name), std::move(value));
}

std::size_t headers::erase(std::string_view name) {
  return std::erase_if(fields_, [&](const field& f) { return same_name(f.first, name); });
}

}  // namespace copas::http
