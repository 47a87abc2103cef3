#include "fake_dns_server.hpp"

#include <gtest/gtest.h>
#include <copas/core/thread.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace copas::test {

namespace {

constexpr int type_a = 1;
constexpr int type_aaaa = 28;
constexpr int rcode_servfail = 2;
constexpr int rcode_nxdomain = 3;
constexpr std::size_t header_size = 12;

struct question {
  std::string name;  // lower case, dot-separated
  int type = 0;
  std::size_t end = 0;  // offset just past the question section
};

std::optional<question> parse_question(const std::string& m) {
  if (m.size() < header_size) return std::nullopt;
  question q;
  std::size_t pos = header_size;
  while (pos < m.size() && m[pos] != 0) {
    auto len = static_cast<unsigned char>(m[pos]);
    if (!q.name.empty()) q.name += '.';
    q.name += m.substr(pos + 1, len);
    pos += 1 + len;
  }
  if (pos + 5 > m.size()) return std::nullopt;  // the zero label, QTYPE, QCLASS
  q.type = (static_cast<unsigned char>(m[pos + 1]) << 8) | static_cast<unsigned char>(m[pos + 2]);
  q.end = pos + 5;
  std::transform(q.name.begin(), q.name.end(), q.name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return q;
}

// The answer records for `q` among `addresses`, each naming the question (a compression pointer).
std::string answer_records(const question& q, const std::vector<std::string>& addresses,
                           int& count) {
  std::string out;
  for (auto& ip : addresses) {
    unsigned char raw[16];
    bool v6 = ip.find(':') != std::string::npos;
    if ((q.type == type_aaaa) != v6) continue;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, ip.c_str(), raw) != 1) continue;
    std::size_t len = v6 ? 16 : 4;
    out += std::string("\xc0\x0c\x00", 3) + static_cast<char>(q.type);               // name, TYPE
    out += std::string("\x00\x01\x00\x00\x00\x3c\x00", 7) + static_cast<char>(len);  // IN, TTL 60
    out.append(reinterpret_cast<const char*>(raw), len);
    ++count;
  }
  return out;
}

std::string reply_to(const std::string& query, const question& q, const fake_dns_zone& zone) {
  std::string r = query.substr(0, q.end);
  auto host = zone.hosts.find(q.name);
  int answers = 0;
  if (host != zone.hosts.end()) r += answer_records(q, host->second, answers);
  r[2] = static_cast<char>(0x84 | (query[2] & 0x01));  // QR, AA, RD copied
  int rcode = zone.servfail.count(q.name) ? rcode_servfail
              : host == zone.hosts.end()  ? rcode_nxdomain
                                          : 0;
  r[3] = static_cast<char>(0x80 | rcode);  // RA, RCODE
  r[4] = 0;                                // one question
  r[5] = 1;
  r[6] = 0;
  r[7] = static_cast<char>(answers);
  r[8] = r[9] = r[10] = r[11] = 0;
  return r;
}

}  // namespace

copas::socket fake_dns(fake_dns_zone zone) {
  auto s = copas::udp();
  EXPECT_TRUE(s.setsockname("127.0.0.1", 0));
  copas::addthread([s, zone = std::move(zone)]() mutable {
    for (;;) {
      auto m = s.receivefrom(512);
      if (!m) {
        if (m.error() == errc::closed) return;
        continue;
      }
      ++*zone.queries;
      auto q = parse_question(m->data);
      if (!q || zone.silent.count(q->name)) continue;
      s.sendto(reply_to(m->data, *q, zone), m->ip, m->port);
    }
  });
  return s;
}

std::string nameserver_address(const copas::socket& server) {
  return "127.0.0.1:" + std::to_string(server.getsockname().value().port);
}

}  // namespace copas::test
