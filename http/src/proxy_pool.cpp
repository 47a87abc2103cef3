#include <copas/core/time.hpp>
#include <copas/http/proxy.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <unordered_map>
#include <vector>

namespace copas::http::proxy {

struct upstream_pool::impl {
  std::size_t max_idle;
  double idle_seconds;
  std::unordered_map<std::string, std::vector<connection>> idle;
};

upstream_pool::upstream_pool(std::size_t max_idle_per_origin, double idle_seconds)
    : impl_(std::make_unique<impl>()) {
  impl_->max_idle = max_idle_per_origin;
  impl_->idle_seconds = idle_seconds;
}

upstream_pool::~upstream_pool() { clear(); }

std::size_t upstream_pool::idle() const noexcept {
  std::size_t n = 0;
  for (auto& [k, v] : impl_->idle) n += v.size();
  return n;
}

void upstream_pool::clear() {
  for (auto& [k, v] : impl_->idle)
    for (auto& c : v) c.sock.close();
  impl_->idle.clear();
}

namespace {

// An idle origin connection is usable only while the origin has neither closed it nor sent
// anything unasked: one non-blocking peek tells, without waiting.
bool still_idle(const socket& s) {
  char byte;
  auto n = ::recv(s.getfd(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

result<upstream_pool::connection> upstream_pool::take(const address& to, const options& o,
                                                      bool verify) {
  std::string key = to.host + ":" + std::to_string(to.port);
  if (auto it = impl_->idle.find(key); it != impl_->idle.end()) {
    // The oldest idle connections are at the front: those past their time go first.
    auto& list = it->second;
    double now = gettime();
    auto stale = std::find_if(list.begin(), list.end(), [&](const connection& c) {
      return now - c.idle_since < impl_->idle_seconds;
    });
    for (auto i = list.begin(); i != stale; ++i) i->sock.close();
    list.erase(list.begin(), stale);
    while (!it->second.empty()) {
      auto c = std::move(it->second.back());
      it->second.pop_back();
      if (verify && !still_idle(c.sock)) {
        c.sock.close();
        continue;
      }
      c.reused = true;
      ++reused_;
      return c;
    }
  }
  connection c;
  c.sock = wrap(tcp());
  c.sock.settimeouts(o.connect_timeout, o.idle_timeout, o.idle_timeout);
  if (auto ok = c.sock.connect(to.host, to.port); !ok)
    return error(ok.error().code(), "cannot connect to " + key + ": " + ok.error().message());
  c.sock.setoption("tcp-nodelay", true);
  c.deadline = std::make_shared<read_deadline>();
  c.in = std::make_unique<reader>(c.sock, c.deadline);
  c.key = std::move(key);
  ++opened_;
  return c;
}

void upstream_pool::put(connection c) {
  auto& list = impl_->idle[c.key];
  if (list.size() >= impl_->max_idle) {
    c.sock.close();
    return;
  }
  c.idle_since = gettime();
  list.push_back(std::move(c));
}

}  // namespace copas::http::proxy
