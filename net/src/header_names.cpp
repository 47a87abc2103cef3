#include <copas/net/ascii.hpp>
#include <copas/net/header_names.hpp>

#include <string>
#include <unordered_map>
#include <utility>

namespace copas::header_names {

namespace {

// The names of LuaSocket's headers.lua (HTTP and mail alike) whose spelling is plain Title-Case.
constexpr std::string_view title_case[] = {"accept",
                                           "accept-charset",
                                           "accept-encoding",
                                           "accept-language",
                                           "accept-ranges",
                                           "action",
                                           "alternate-recipient",
                                           "age",
                                           "allow",
                                           "arrival-date",
                                           "authorization",
                                           "bcc",
                                           "cache-control",
                                           "cc",
                                           "comments",
                                           "connection",
                                           "content-description",
                                           "content-disposition",
                                           "content-encoding",
                                           "content-language",
                                           "content-length",
                                           "content-location",
                                           "content-range",
                                           "content-transfer-encoding",
                                           "content-type",
                                           "cookie",
                                           "date",
                                           "diagnostic-code",
                                           "expect",
                                           "expires",
                                           "final-recipient",
                                           "from",
                                           "host",
                                           "if-match",
                                           "if-modified-since",
                                           "if-none-match",
                                           "if-range",
                                           "if-unmodified-since",
                                           "in-reply-to",
                                           "keywords",
                                           "last-attempt-date",
                                           "last-modified",
                                           "location",
                                           "max-forwards",
                                           "original-envelope-id",
                                           "original-recipient",
                                           "pragma",
                                           "proxy-authenticate",
                                           "proxy-authorization",
                                           "range",
                                           "received",
                                           "received-from-mta",
                                           "references",
                                           "referer",
                                           "remote-mta",
                                           "reply-to",
                                           "reporting-mta",
                                           "resent-bcc",
                                           "resent-cc",
                                           "resent-date",
                                           "resent-from",
                                           "resent-reply-to",
                                           "resent-sender",
                                           "resent-to",
                                           "retry-after",
                                           "return-path",
                                           "sender",
                                           "server",
                                           "status",
                                           "subject",
                                           "to",
                                           "trailer",
                                           "transfer-encoding",
                                           "upgrade",
                                           "user-agent",
                                           "vary",
                                           "via",
                                           "warning",
                                           "will-retry-until"};

// The ones headers.lua spells otherwise.
constexpr std::pair<std::string_view, std::string_view> irregular[] = {
    {"content-id", "Content-ID"},
    {"content-md5", "Content-MD5"},
    {"dsn-gateway", "DSN-Gateway"},
    {"etag", "ETag"},
    {"final-log-id", "Final-Log-ID"},
    {"message-id", "Message-ID"},
    {"mime-version", "MIME-Version"},
    {"resent-message-id", "Resent-Message-ID"},
    {"smtp-remote-recipient", "SMTP-Remote-Recipient"},
    {"te", "TE"},
    {"www-authenticate", "WWW-Authenticate"},
    {"x-mailer", "X-Mailer"}};

// Longer than any known name: such a name is not looked up at all.
constexpr std::size_t longest_known = 32;
static_assert([] {
  for (auto n : title_case)
    if (n.size() > longest_known) return false;
  for (auto& [n, spelt] : irregular)
    if (n.size() > longest_known) return false;
  return true;
}());

}  // namespace

bool same(std::string_view a, std::string_view b) noexcept { return ascii::iequals(a, b); }

std::string canonic(std::string_view name) {
  // Built once: every known lower-case name with its spelling. canonic() runs for every header
  // a client or the proxy writes; a scan of ~90 names per header showed in profiles, and so did
  // the allocation of a lower-cased key: names are folded into a stack buffer and looked up as
  // string_view (heterogeneous lookup).
  struct key_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view k) const noexcept {
      return std::hash<std::string_view>{}(k);
    }
  };
  static const std::unordered_map<std::string, std::string, key_hash, std::equal_to<>> spelling =
      [] {
        std::unordered_map<std::string, std::string, key_hash, std::equal_to<>> m;
        for (auto low : title_case) {
          std::string spelt(low);
          bool start = true;
          for (auto& c : spelt) {
            if (start) c = ascii::upper(c);
            start = c == '-';
          }
          m.emplace(low, std::move(spelt));
        }
        for (auto& [low, spelt] : irregular) m.emplace(low, spelt);
        return m;
      }();
  if (name.size() > longest_known) return std::string(name);
  char folded[longest_known];
  for (std::size_t i = 0; i < name.size(); ++i) folded[i] = ascii::lower(name[i]);
  auto it = spelling.find(std::string_view(folded, name.size()));
  return it == spelling.end() ? std::string(name) : it->second;
}

}  // namespace copas::header_names
